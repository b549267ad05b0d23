package dev.berth.app;

import dev.berth.core.boot.ImageException;
import dev.berth.core.boot.ImageSource;
import dev.berth.core.machine.MachineConfig;
import java.io.IOException;
import java.util.List;
import javafx.application.Application;
import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.stage.Stage;

/** The desktop app: one window with the VM library, the console and the power menu. */
public final class BerthApp extends Application {
  /** Until the Linux guest lands, the default VM boots the core's power-aware demo guest. */
  static final String DEMO_GUEST = "/guests/bare/demo.elf";

  public static void launchApp(String[] args) {
    Application.launch(BerthApp.class, args);
  }

  static List<VmViewModel> defaultVms() throws ImageException {
    MachineConfig demo = MachineConfig.of("demo", ImageSource.fromResource(DEMO_GUEST));
    return List.of(new VmViewModel("demo", demo, 30));
  }

  /**
   * Ctrl+C (SIGINT) or SIGTERM on a terminal-started app: every running VM is terminated with cause
   * host-signal, as QEMU does, before the JVM exits.
   */
  private static void installSignalHandling(List<VmViewModel> vms) {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (VmViewModel vm : vms) {
                    vm.terminateForHostSignal();
                  }
                  for (VmViewModel vm : vms) {
                    try {
                      vm.exitFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (Exception e) {
                      // the JVM is going down; a VM that did not stop in time ends with it
                    }
                  }
                },
                "berth-app-signal"));
  }

  @Override
  public void start(Stage stage) throws IOException, ImageException {
    List<VmViewModel> vms = defaultVms();
    open(stage, vms);
    installSignalHandling(vms);
  }

  /** Shows the main window for {@code vms} on {@code stage}. */
  static MainController open(Stage stage, List<VmViewModel> vms) throws IOException {
    FXMLLoader loader = new FXMLLoader(BerthApp.class.getResource("main.fxml"));
    Parent root = loader.load();
    MainController controller = loader.getController();
    controller.show(stage, vms);
    stage.setTitle("Berth");
    stage.setScene(new Scene(root));
    stage.show();
    return controller;
  }
}
