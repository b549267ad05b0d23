package dev.berth.backend.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.qga.QgaClient;
import dev.berth.vm.AgentStatus;
import dev.berth.vm.ShutdownPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host side of a VM's guest agent channel, as both backends use it: a probe for the UI and
 * libvirt's shutdown order (the agent when it answers {@code guest-ping}, else the power button).
 * Every call opens its own connection: the channel takes one client at a time, and the CLI may want
 * it in between.
 */
public final class GuestAgent {
  /** How long the agent may take to answer a sync or a ping. */
  static final long ANSWER_MILLIS = 2000;

  /** An error to {@code guest-shutdown} arrives at once; silence this long means accepted. */
  static final long SHUTDOWN_GRACE_MILLIS = 500;

  private static final System.Logger LOG = System.getLogger(GuestAgent.class.getName());

  private final Path socket;

  /**
   * @param socket the host end of the agent channel, or null for a VM that has none
   */
  public GuestAgent(Path socket) {
    this.socket = socket;
  }

  public Path socket() {
    return socket;
  }

  /** Blocks up to a few seconds. */
  public AgentStatus probe() {
    if (socket == null || !Files.exists(socket)) {
      return AgentStatus.silent("this VM has no agent channel");
    }
    try (QgaClient qga = new QgaClient(socket, ANSWER_MILLIS)) {
      qga.sync();
      JsonNode info = qga.info();
      String version = info.path("version").asText("");
      String os = "";
      try {
        os = qga.osInfo().path("pretty-name").asText("");
      } catch (dev.berth.qapi.QapiError e) {
        // an agent without guest-get-osinfo still answers
      }
      return AgentStatus.answering(("version " + version + (os.isEmpty() ? "" : ", " + os)).trim());
    } catch (IOException e) {
      return AgentStatus.silent(e.getMessage());
    }
  }

  /**
   * Shuts the guest down through its agent if it answers, otherwise presses the power button.
   * Blocks up to a few seconds.
   *
   * @param button the power-button press of the VM's backend, used as the fallback
   */
  public ShutdownPath shutDown(ButtonPress button) throws IOException {
    String whyNot = viaAgent("powerdown");
    if (whyNot == null) {
      return ShutdownPath.agent();
    }
    button.press();
    return ShutdownPath.button(whyNot);
  }

  /**
   * Restarts the guest through its agent ({@code guest-shutdown} mode reboot) if it answers,
   * otherwise presses Ctrl+Alt+Del, which guests take as a request to reboot. Blocks up to a few
   * seconds.
   *
   * @param ctrlAltDel the backend's Ctrl+Alt+Del, used as the fallback
   * @return which way it went, in words
   */
  public String reboot(ButtonPress ctrlAltDel) throws IOException {
    String whyNot = viaAgent("reboot");
    if (whyNot == null) {
      return "Reboot via the guest agent (guest-shutdown, mode reboot)";
    }
    ctrlAltDel.press();
    return "Reboot via Ctrl+Alt+Del (" + whyNot + ")";
  }

  /** Sends {@code guest-shutdown} in {@code mode}; null if the agent took it, else why not. */
  private String viaAgent(String mode) {
    if (socket == null || !Files.exists(socket)) {
      return "this VM has no agent channel";
    }
    try (QgaClient qga = new QgaClient(socket, ANSWER_MILLIS)) {
      qga.sync();
      if (!qga.ping()) {
        throw new IOException("the guest agent did not answer guest-ping");
      }
      qga.shutdown(mode, SHUTDOWN_GRACE_MILLIS);
      return null;
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.INFO, "no agent " + mode + " on " + socket + ": " + e.getMessage());
      return "no agent answered: " + e.getMessage();
    }
  }

  /** The backend's power button. */
  public interface ButtonPress {
    void press() throws IOException;
  }
}
