package dev.berth.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.vm.BerthDirs;
import dev.berth.vm.VmStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The VM library on disk as the window shows it: a corrupt spec, and the New VM form. */
@ExtendWith(ApplicationExtension.class)
class VmLibraryWindowTest {
  private Path config;
  private BerthDirs dirs;

  @Start
  void start(Stage stage) throws Exception {
    dirs = AppDriver.freshDirs("bl");
    config = dirs.config();
    new VmStore(config).ensureFirstRunDefaults();
    // demo has run once; linux has the data disk Berth makes on its first start
    try (dev.berth.vm.RunRecorder r = new dev.berth.vm.RunHistory(dirs.state()).startRun("demo")) {
      r.end(
          dev.berth.event.MachineExit.shutdown(dev.berth.event.ShutdownCause.GUEST_SHUTDOWN),
          "Guest powered off (guest-shutdown)");
    }
    Files.createDirectories(dirs.state().resolve("disks"));
    Files.writeString(dirs.state().resolve("disks/linux.img"), "data");
    Files.writeString(config.resolve("vms/broken.json"), "{ \"name\": \"broken\", ");
    BerthApp.open(stage, BerthApp.Library.open(dirs));
  }

  @Test
  void aCorruptSpecIsReportedByNameAndKeptAside(FxRobot robot) throws Exception {
    WaitForAsyncUtils.waitFor(
        10, TimeUnit.SECONDS, () -> robot.lookup(".dialog-pane").tryQuery().isPresent());
    DialogPane pane = robot.lookup(".dialog-pane").queryAs(DialogPane.class);
    assertTrue(pane.getContentText().startsWith("broken.json: "), pane.getContentText());
    assertTrue(
        pane.getContentText().contains("kept as broken.json.corrupt-"), pane.getContentText());
    robot.clickOn((Button) pane.lookupButton(ButtonType.OK));
    @SuppressWarnings("unchecked")
    ListView<Object> list = robot.lookup(".vm-list").queryAs(ListView.class);
    assertEquals(2, list.getItems().size(), "the other VMs (demo, linux) still load");
    assertFalse(Files.exists(config.resolve("vms/broken.json")));
    try (var files = Files.list(config.resolve("vms"))) {
      assertEquals(
          1,
          files.filter(p -> p.getFileName().toString().startsWith("broken.json.corrupt-")).count());
    }
  }

  @Test
  void newVmFormRejectsBadInputNextToTheFields(FxRobot robot) throws Exception {
    dismissLoadProblems(robot);

    newVmForm(robot);
    DialogPane pane = robot.lookup(".dialog-pane").queryAs(DialogPane.class);
    Button ok = (Button) pane.lookupButton(ButtonType.OK);

    TextField name = robot.lookup("#name").queryAs(TextField.class);
    TextField memory = robot.lookup("#memory").queryAs(TextField.class);
    TextField kernel = robot.lookup("#kernel").queryAs(TextField.class);
    TextField timeout = robot.lookup("#timeout").queryAs(TextField.class);
    robot.interact(() -> name.setText("demo"));
    assertTrue(error(robot, "#nameError").contains("demo"), error(robot, "#nameError"));
    robot.interact(() -> memory.setText("lots"));
    assertTrue(error(robot, "#memoryError").contains("whole number"), error(robot, "#memoryError"));
    robot.interact(() -> memory.setText("9999"));
    assertFalse(
        error(robot, "#memoryError").isEmpty(), "9999 MiB is too much for the bundled core");
    robot.interact(
        () -> {
          memory.setText("64");
          kernel.setText("bundled:linux");
        });
    assertTrue(
        error(robot, "#memoryError").startsWith("bundled:linux needs at least 65 MiB"),
        error(robot, "#memoryError"));
    robot.interact(() -> memory.setText("9999"));
    robot.interact(() -> kernel.setText("/no/such/kernel.elf"));
    assertFalse(error(robot, "#kernelError").isEmpty());
    robot.interact(() -> timeout.setText("2"));
    assertFalse(error(robot, "#timeoutError").isEmpty());
    assertTrue(ok.isDisabled(), "OK stays disabled while anything is wrong");
    assertEquals("9999", memory.getText(), "nothing is clamped silently");

    robot.interact(
        () -> {
          name.setText("second");
          memory.setText("64");
          kernel.setText("bundled:demo");
          timeout.setText("10");
        });
    assertFalse(ok.isDisabled());
    robot.clickOn(ok);
    @SuppressWarnings("unchecked")
    ListView<Object> list = robot.lookup(".vm-list").queryAs(ListView.class);
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> list.getItems().size() == 3);
    assertTrue(Files.exists(config.resolve("vms/second.json")));
  }

  /** The OK button of the dialog on top. */
  private static void clickOk(FxRobot robot) {
    robot.clickOn(
        (Button)
            robot.lookup(".dialog-pane").queryAs(DialogPane.class).lookupButton(ButtonType.OK));
  }

  /** The corrupt spec's report, which every test of this class meets first. */
  private static void dismissLoadProblems(FxRobot robot) throws Exception {
    WaitForAsyncUtils.waitFor(
        10, TimeUnit.SECONDS, () -> robot.lookup(".dialog-pane").tryQuery().isPresent());
    clickOk(robot);
  }

  private static void newVmForm(FxRobot robot) throws Exception {
    robot.clickOn("VM").clickOn("New VM…");
    WaitForAsyncUtils.waitFor(
        10, TimeUnit.SECONDS, () -> robot.lookup(".vm-dialog").tryQuery().isPresent());
  }

  private static String error(FxRobot robot, String id) {
    return robot.lookup(id).queryAs(Label.class).getText();
  }

  private void deleteSelected(FxRobot robot, String name, boolean alsoData) throws Exception {
    @SuppressWarnings("unchecked")
    ListView<VmViewModel> list = robot.lookup(".vm-list").queryAs(ListView.class);
    VmViewModel vm =
        list.getItems().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    AppDriver.select(robot, vm);
    AppDriver.fireMenuItem(robot, "_Delete VM");
    AppDriver.waitForVisible(robot, "#deleteData");
    if (alsoData) {
      robot.clickOn("#deleteData");
    }
    clickOk(robot);
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !list.getItems().contains(vm));
  }

  /**
   * Delete can take the disk and history with it; without them they are kept aside, and a new VM of
   * the same name shows no run of the old one.
   */
  @Test
  void deleteTakesTheDiskAndHistoryOrKeepsThemAside(FxRobot robot) throws Exception {
    dismissLoadProblems(robot);
    Path disk = dirs.state().resolve("disks/linux.img");
    deleteSelected(robot, "linux", true);
    assertFalse(Files.exists(config.resolve("vms/linux.json")));
    assertFalse(Files.exists(disk), "its disk went with it");

    Path history = new dev.berth.vm.RunHistory(dirs.state()).file("demo");
    assertTrue(Files.exists(history));
    deleteSelected(robot, "demo", false);
    assertFalse(Files.exists(history));
    try (var files = Files.list(history.getParent())) {
      assertEquals(
          1,
          files.filter(p -> p.getFileName().toString().startsWith("demo.jsonl.deleted-")).count());
    }

    newVmForm(robot);
    robot.interact(() -> robot.lookup("#name").queryAs(TextField.class).setText("demo"));
    clickOk(robot);
    WaitForAsyncUtils.waitFor(
        10,
        TimeUnit.SECONDS,
        () -> robot.lookup(".vm-list").queryAs(ListView.class).getItems().size() == 1);
    @SuppressWarnings("unchecked")
    ListView<VmViewModel> list = robot.lookup(".vm-list").queryAs(ListView.class);
    VmViewModel fresh = list.getItems().get(0);
    WaitForAsyncUtils.waitForFxEvents();
    assertEquals("", AppDriver.lastEnd(robot), "the new demo has no last run");
    assertTrue(fresh.runs().isEmpty(), fresh.runs().toString());
    assertTrue(Files.exists(config.resolve("vms/demo.json")));
  }

  /**
   * The form shows every label whole, backends by name, and the fields berth create has; what it
   * saves is what was entered.
   */
  @Test
  void newVmFormHasTheCliFieldsInWordsAndUncut(FxRobot robot) throws Exception {
    dismissLoadProblems(robot);
    newVmForm(robot);
    @SuppressWarnings("unchecked")
    javafx.scene.control.ChoiceBox<dev.berth.vm.VmSpec.Backend> backend =
        robot.lookup("#backend").queryAs(javafx.scene.control.ChoiceBox.class);
    assertEquals(
        java.util.List.of("Bundled core", "QEMU"),
        backend.getItems().stream().map(b -> backend.getConverter().toString(b)).toList());
    // a long error wraps under its field instead of being cut
    robot.interact(
        () -> {
          robot.lookup("#kernel").queryAs(TextField.class).setText("bundled:linux");
          robot.lookup("#memory").queryAs(TextField.class).setText("64");
        });
    WaitForAsyncUtils.waitForFxEvents();
    for (javafx.scene.Node n : robot.lookup(".vm-dialog .label").queryAll()) {
      Label l = (Label) n;
      if (l.isVisible() && !l.getText().isEmpty()) {
        assertEquals(l.getText(), AppDriver.shownText(l), "cut short on screen");
      }
    }

    Path image = Files.write(config.resolve("data.img"), new byte[512]);
    Path iso = Files.write(config.resolve("boot.iso"), new byte[2048]);
    Path vmlinuz = Files.writeString(config.resolve("vmlinuz"), "kernel");
    robot.interact(
        () -> {
          robot.lookup("#name").queryAs(TextField.class).setText("pc1");
          backend.setValue(dev.berth.vm.VmSpec.Backend.QEMU);
          @SuppressWarnings("unchecked")
          javafx.scene.control.ChoiceBox<String> arch =
              robot.lookup("#arch").queryAs(javafx.scene.control.ChoiceBox.class);
          arch.setValue("x86_64");
          robot.lookup("#machine").queryAs(TextField.class).setText("q35");
          robot.lookup("#cpus").queryAs(TextField.class).setText("2");
          robot.lookup("#memory").queryAs(TextField.class).setText("256");
          robot.lookup("#kernel").queryAs(TextField.class).setText(vmlinuz.toString());
          robot
              .lookup("#disks")
              .queryAs(javafx.scene.control.TextArea.class)
              .setText(image.toString());
          robot.lookup("#cdrom").queryAs(TextField.class).setText(iso.toString());
        });
    Button ok =
        (Button) robot.lookup(".dialog-pane").queryAs(DialogPane.class).lookupButton(ButtonType.OK);
    assertFalse(ok.isDisabled(), robot.lookup("#archError").queryAs(Label.class).getText());
    robot.clickOn(ok);
    Path json = config.resolve("vms/pc1.json");
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Files.exists(json));
    dev.berth.vm.VmSpec saved = dev.berth.vm.VmSpec.fromJson(Files.readString(json));
    assertEquals("x86_64", saved.arch());
    assertEquals("q35", saved.machine());
    assertEquals(2, saved.cpus());
    assertEquals(java.util.List.of(image.toString()), saved.disks());
    assertEquals(iso.toString(), saved.cdrom());
  }

  /** A VM made, edited or deleted from the command line shows in the window without a restart. */
  @Test
  void theListFollowsTheCommandLine(FxRobot robot) throws Exception {
    dismissLoadProblems(robot);
    @SuppressWarnings("unchecked")
    ListView<VmViewModel> list = robot.lookup(".vm-list").queryAs(ListView.class);
    VmStore store = new VmStore(config);
    // what berth create, edit and delete do to the library
    store.save(dev.berth.vm.VmSpec.defaultDemo().withName("fromcli"));
    WaitForAsyncUtils.waitFor(
        10,
        TimeUnit.SECONDS,
        () -> list.getItems().stream().anyMatch(v -> v.name().equals("fromcli")));
    VmViewModel made =
        list.getItems().stream().filter(v -> v.name().equals("fromcli")).findFirst().orElseThrow();
    store.save(made.spec().withPowerButtonTimeout(12));
    WaitForAsyncUtils.waitFor(
        10, TimeUnit.SECONDS, () -> made.spec().powerButtonTimeoutSeconds() == 12);
    store.delete("fromcli");
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !list.getItems().contains(made));
    assertEquals(2, list.getItems().size(), "demo and linux stay");
  }

  /** Preferences switches the look at once, and the choice is kept. */
  @Test
  void preferencesSwitchesTheTheme(FxRobot robot) throws Exception {
    dismissLoadProblems(robot);
    try {
      choose(robot, AppSettings.Theme.DARK);
      assertEquals(
          new atlantafx.base.theme.PrimerDark().getUserAgentStylesheetBSS(),
          javafx.application.Application.getUserAgentStylesheet());
      assertTrue(
          Files.readString(config.resolve("settings.json")).contains("\"theme\" : \"dark\""));
      assertEquals(AppSettings.Theme.DARK, AppSettings.load(config).theme());
      choose(robot, AppSettings.Theme.CLASSIC);
      assertEquals(
          javafx.application.Application.STYLESHEET_MODENA,
          javafx.application.Application.getUserAgentStylesheet());
    } finally {
      // the look is the whole JVM's: the next test class gets the default
      robot.interact(
          () ->
              javafx.application.Application.setUserAgentStylesheet(
                  javafx.application.Application.STYLESHEET_MODENA));
    }
  }

  private static void choose(FxRobot robot, AppSettings.Theme theme) throws Exception {
    AppDriver.fireMenuItem(robot, "_Preferences");
    AppDriver.waitForVisible(robot, "#theme");
    @SuppressWarnings("unchecked")
    javafx.scene.control.ChoiceBox<AppSettings.Theme> box =
        robot.lookup("#theme").queryAs(javafx.scene.control.ChoiceBox.class);
    robot.interact(() -> box.setValue(theme));
    clickOk(robot);
    WaitForAsyncUtils.waitFor(
        10, TimeUnit.SECONDS, () -> robot.lookup("#theme").tryQuery().isEmpty());
  }
}
