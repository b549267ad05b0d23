package dev.berth.app;

import dev.berth.backend.InstalledBackends;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.RunHistory;
import dev.berth.vm.VmSpec;
import dev.berth.vm.VmStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.application.Application;
import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.stage.Stage;

/** The desktop app: one window with the VM library, the consoles and the power menu. */
public final class BerthApp extends Application {
  /** Until the Linux guest lands, the default VM boots the core's power-aware demo guest. */
  static final String DEMO_GUEST = "/guests/bare/demo.elf";

  /**
   * The VM library read while the toolkit starts (Jackson's first use and the files cost the FX
   * thread 70–200 ms otherwise); {@link #start} takes it.
   */
  private static volatile java.util.concurrent.CompletableFuture<Read> early;

  public static void launchApp(String[] args) {
    StartupClock.mark("main");
    BerthDirs dirs = BerthDirs.fromSystem();
    early = java.util.concurrent.CompletableFuture.supplyAsync(() -> Read.of(dirs), Read.THREAD);
    Application.launch(BerthApp.class, args);
  }

  /**
   * On the launcher thread, before {@link #start}: loads the icon font (1.3 MB, parsed once) on a
   * thread of its own, so the toolbar's first icon does not make the FX thread wait for it. Nodes
   * may be made off the FX thread until they join a scene.
   */
  @Override
  public void init() {
    StartupClock.mark("toolkit");
    Thread fonts =
        new Thread(
            () -> {
              new org.kordamp.ikonli.javafx.FontIcon(ActionControls.START_ICON);
              StartupClock.mark("icon font");
            },
            "berth-icon-font");
    fonts.setDaemon(true);
    fonts.start();
  }

  @Override
  public void start(Stage stage) throws IOException {
    StartupClock.mark("start");
    java.util.concurrent.CompletableFuture<Read> read = early;
    Library library = read != null ? Library.of(read.join()) : Library.open(BerthDirs.fromSystem());
    StartupClock.mark("library");
    MainController controller = open(stage, library);
    StartupClock.mark("shown");
    installSignalHandling(controller);
    reportFirstPaint(System.getenv("BERTH_STARTUP_REPORT"));
  }

  /**
   * With {@code BERTH_STARTUP_REPORT} set, says on stderr when the window's first frame was drawn,
   * counted from the JVM's start (the launcher's cost included), and with {@code exit} quits then:
   * how packaging measures launch time and trains the class-data archive.
   */
  private static void reportFirstPaint(String mode) {
    if (mode == null || mode.isEmpty()) {
      return;
    }
    new javafx.animation.AnimationTimer() {
      private int frames;

      @Override
      public void handle(long now) {
        // the second pulse runs once the first frame, the window's first paint, is on screen
        if (++frames == 2) {
          long painted = StartupClock.sinceJvmStart();
          System.err.println("berth: startup: " + StartupClock.report());
          System.err.println("berth: window painted " + painted + " ms after the JVM started");
          if (!mode.equals("exit")) {
            stop();
          }
        } else if (frames == 12) {
          // the tabs built after the first frame are built by now: a class list made from this
          // launch (packaging's CDS archive) holds their classes too
          stop();
          javafx.application.Platform.exit();
        }
      }
    }.start();
  }

  /** The VMs on disk, their run history, and the problems met loading them. */
  record Library(
      BerthDirs dirs,
      VmStore store,
      RunHistory history,
      List<VmViewModel> vms,
      List<String> problems) {
    Path config() {
      return dirs.config();
    }

    static Library open(BerthDirs dirs) {
      return of(Read.of(dirs));
    }

    /** On the FX thread: the view models of what was read. */
    static Library of(Read read) {
      List<VmViewModel> vms = new ArrayList<>();
      for (VmSpec spec : read.specs()) {
        vms.add(VmViewModel.of(spec, InstalledBackends.all(), read.history(), read.dirs()));
      }
      return new Library(read.dirs(), read.store(), read.history(), vms, read.problems());
    }
  }

  /** The VM library's files, read on any thread (no JavaFX). */
  record Read(
      BerthDirs dirs,
      VmStore store,
      RunHistory history,
      List<VmSpec> specs,
      List<String> problems) {
    static final java.util.concurrent.Executor THREAD =
        r -> {
          Thread t = new Thread(r, "berth-library-read");
          t.setDaemon(true);
          t.start();
        };

    static Read of(BerthDirs dirs) {
      VmStore store = new VmStore(dirs.config());
      RunHistory history = new RunHistory(dirs.state());
      List<String> problems = new ArrayList<>();
      List<VmSpec> specs = new ArrayList<>();
      try {
        store.ensureFirstRunDefaults();
        VmStore.LoadResult loaded = store.load();
        specs.addAll(loaded.specs());
        for (VmStore.LoadProblem p : loaded.problems()) {
          problems.add(
              p.file().getFileName()
                  + ": "
                  + p.reason()
                  + (p.movedTo() == null ? "" : " (kept as " + p.movedTo().getFileName() + ")"));
        }
      } catch (IOException e) {
        problems.add("Cannot read the VM library in " + store.directory() + ": " + e.getMessage());
      }
      InstalledBackends.all(); // the backends' classes, loaded here rather than on the FX thread
      return new Read(dirs, store, history, List.copyOf(specs), List.copyOf(problems));
    }
  }

  /** Shows the main window on {@code stage}. */
  static MainController open(Stage stage, Library library) throws IOException {
    // the theme before any control class is initialised: with none set, Control's static
    // initialiser loads JavaFX's Modena first, for nothing
    Application.setUserAgentStylesheet(AppSettings.load(library.config()).theme().stylesheet());
    FXMLLoader loader = new FXMLLoader(BerthApp.class.getResource("main.fxml"));
    Parent root = loader.load();
    StartupClock.mark("fxml");
    MainController controller = loader.getController();
    stage.setTitle("Berth");
    stage.setScene(new Scene(root));
    controller.show(stage, library);
    StartupClock.mark("controller");
    stage.show();
    return controller;
  }

  /**
   * Ctrl+C (SIGINT) or SIGTERM on a terminal-started app: every running VM is terminated with cause
   * host-signal, as QEMU does, before the JVM exits.
   */
  private static void installSignalHandling(MainController controller) {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  List<VmViewModel> vms = controller.allVms();
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
}
