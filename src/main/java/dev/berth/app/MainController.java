package dev.berth.app;

import dev.berth.vm.VmSpec;
import dev.berth.vm.VmState;
import java.util.List;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.fxml.FXML;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.HBox;
import javafx.stage.Stage;
import javafx.util.Duration;

/** The main window: thin; the state lives in {@link VmViewModel}. */
public final class MainController {

  @FXML private ListView<VmViewModel> vmList;
  @FXML private javafx.scene.layout.VBox hostGroups;
  @FXML private javafx.scene.control.TabPane tabs;
  @FXML private ConsoleTabController consoleTabController;
  @FXML private javafx.scene.control.Tab displayTabItem;
  @FXML private javafx.scene.control.Tab overviewTabItem;
  @FXML private javafx.scene.control.Tab eventsTabItem;
  @FXML private javafx.scene.control.Tab timelineTabItem;
  @FXML private javafx.scene.control.Tab snapshotsTabItem;
  // built after the window's first frame, or when their tab is selected first: null until then
  private DisplayTabController displayTabController;
  private OverviewTabController overviewTabController;
  private EventsTabController eventsTabController;
  private TimelineTabController timelineTabController;
  private SnapshotsTabController snapshotsTabController;
  @FXML private Label stateBadge;
  @FXML private Label lastEndLabel;
  @FXML private Label messageLabel;
  @FXML private HBox waitBox;
  @FXML private Label waitLabel;
  @FXML private ProgressBar waitProgress;
  @FXML private HBox offerBar;
  @FXML private Label offerLabel;
  @FXML private HBox stallBar;
  @FXML private Label stallLabel;
  @FXML private HBox stopBar;
  @FXML private Label stopLabel;
  @FXML private javafx.scene.control.Menu machineMenu;
  @FXML private javafx.scene.control.ToolBar toolbar;
  private final ActionControls actions = new ActionControls(this::selected, this::perform);

  private AppSettings settings;
  private Stage stage;
  private BerthApp.Library library;
  private final javafx.collections.ObservableList<VmViewModel> vms =
      javafx.collections.FXCollections.observableArrayList();
  private VmViewModel vm;
  private HostGroups hosts;
  private javafx.scene.control.ContextMenu hostMenu;

  /** The VM the stop bar is about, or null while it is hidden. */
  private VmViewModel stoppedVm;

  private VmViewModel selected() {
    return vm;
  }

  /** A snapshot of every VM, Berth's own and the hosts', for any thread (the signal handler). */
  List<VmViewModel> allVms() {
    List<VmViewModel> all;
    synchronized (vms) {
      all = new java.util.ArrayList<>(vms);
    }
    if (hosts != null) {
      all.addAll(hosts.vms());
    }
    return List.copyOf(all);
  }

  void show(Stage stage, BerthApp.Library library) {
    this.stage = stage;
    this.library = library;
    this.settings = AppSettings.load(library.config());
    String theme = settings.theme().stylesheet();
    if (!theme.equals(javafx.application.Application.getUserAgentStylesheet())) {
      javafx.application.Application.setUserAgentStylesheet(theme);
    }
    synchronized (vms) {
      vms.setAll(library.vms());
    }
    actions.fillMenu(machineMenu);
    actions.fillToolbar(toolbar);
    vmList.setContextMenu(actions.contextMenu());
    actions.refresh();
    vmList.setItems(vms);
    vmList.setCellFactory(list -> new VmCell());
    vmList.setPlaceholder(emptyState());
    vms.forEach(this::watch);
    vms.forEach(VmViewModel::reattach);
    LibraryWatcher watcher = LibraryWatcher.start(library, vms, this::watch);
    if (watcher != null) {
      // it ends with this window: closed, or its stage given another scene (as tests do)
      javafx.scene.Scene mine = stage.getScene();
      stage.showingProperty().addListener((o, was, is) -> closeUnless(is, watcher));
      stage.sceneProperty().addListener((o, was, is) -> closeUnless(is == mine, watcher));
    }
    vmList
        .getSelectionModel()
        .selectedItemProperty()
        .addListener(
            (o, was, is) -> {
              if (is != null && hosts != null) {
                hosts.clearSelectionExcept(null);
              }
              select(is);
            });
    vmList.getSelectionModel().selectFirst();
    hosts =
        new HostGroups(
            hostGroups,
            dev.berth.vm.KnownHosts.load(library.config()),
            dev.berth.backend.InstalledBackends.all(),
            library.history(),
            library.dirs(),
            list -> new VmCell(),
            this::watch,
            model -> {
              vmList.getSelectionModel().clearSelection();
              select(model);
            });

    Timeline stats =
        new Timeline(
            new KeyFrame(
                Duration.seconds(1),
                e -> {
                  if (vm != null && vm.isActive() && timelineTabController != null) {
                    timelineTabController.redraw();
                  }
                  long now = System.currentTimeMillis();
                  allVms().forEach(m -> m.refreshUptime(now));
                }));
    stats.setCycleCount(Timeline.INDEFINITE);
    stats.play();
    stage.setOnCloseRequest(new AppClose(stage, this::allVms, settings)::requested);
    // Alt+1..6 switch tabs (Ctrl is the guest's: the console sends Ctrl-keys to the guest).
    for (int i = 0; i < tabs.getTabs().size(); i++) {
      int index = i;
      stage
          .getScene()
          .getAccelerators()
          .put(
              new javafx.scene.input.KeyCodeCombination(
                  javafx.scene.input.KeyCode.getKeyCode(Integer.toString(i + 1)),
                  javafx.scene.input.KeyCombination.ALT_DOWN),
              () -> tabs.getSelectionModel().select(index));
    }
    tabs.getSelectionModel()
        .selectedItemProperty()
        .addListener(
            (o, was, is) -> {
              if (is != null) {
                build(is); // selected before its turn came
              }
              // the snapshots are files others may change (the CLI, a QMP client): read when shown
              if (is == snapshotsTabItem) {
                snapshotsTabController.refresh();
              }
            });
    buildAfterFirstFrame();
    if (!library.problems().isEmpty()) {
      Platform.runLater(this::reportLoadProblems);
    }
  }

  /**
   * The tabs the window does not show at launch are built once its first frame is on screen, one a
   * frame, so the launch paints the console alone (their nodes, skins and style would cost the
   * first frame a few hundred milliseconds).
   */
  private void buildAfterFirstFrame() {
    new javafx.animation.AnimationTimer() {
      private int frames;

      @Override
      public void handle(long now) {
        if (++frames < 3) {
          return; // the second pulse runs once the first frame is shown
        }
        for (javafx.scene.control.Tab t : tabs.getTabs()) {
          if (t.getContent() == null) {
            build(t);
            return;
          }
        }
        stop();
      }
    }.start();
  }

  /** Builds {@code tab}'s content from its FXML (its userData) and shows the selected VM there. */
  private void build(javafx.scene.control.Tab tab) {
    if (tab.getContent() != null || !(tab.getUserData() instanceof String fxml)) {
      return;
    }
    javafx.fxml.FXMLLoader loader =
        new javafx.fxml.FXMLLoader(MainController.class.getResource(fxml));
    try {
      tab.setContent(loader.load());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("the app's own " + fxml + " does not load", e);
    }
    Object c = loader.getController();
    VmViewModel shown = vm;
    if (c instanceof DisplayTabController d) {
      displayTabController = d;
      d.setUp(this::allVms);
      if (shown != null) {
        d.show(shown);
      }
    } else if (c instanceof OverviewTabController o) {
      overviewTabController = o;
      if (shown != null) {
        o.show(shown);
      }
    } else if (c instanceof EventsTabController e) {
      eventsTabController = e;
      if (shown != null) {
        e.show(shown);
      }
    } else if (c instanceof TimelineTabController t) {
      timelineTabController = t;
      if (shown != null) {
        t.show(shown);
      }
    } else if (c instanceof SnapshotsTabController s) {
      snapshotsTabController = s;
      if (shown != null) {
        s.show(shown);
      }
    }
  }

  private static void closeUnless(boolean stillMine, LibraryWatcher watcher) {
    if (!stillMine) {
      watcher.close();
    }
  }

  /** Corrupt or unreadable specs are named with the reason; they were kept aside, not lost. */
  private void reportLoadProblems() {
    Alert alert = new Alert(Alert.AlertType.WARNING);
    alert.initOwner(stage);
    alert.setTitle("Some VMs could not be loaded");
    alert.setHeaderText(library.problems().size() + " VM file(s) could not be loaded");
    alert.setContentText(String.join("\n", library.problems()));
    alert.show();
  }

  /** Listeners registered once per VM; they act only while it is the selected one. */
  private void watch(VmViewModel model) {
    consoleTabController.terminalFor(model);
    model
        .stateProperty()
        .addListener(
            (o, was, is) -> {
              if (model == vm) {
                styleBadge(is);
                actions.refresh();
              }
              if (model == stoppedVm && is.isActive()) {
                dismissStop(); // it runs again: its old stop is no news
              }
            });
    model
        .capabilitiesProperty()
        .addListener(
            (o, was, is) -> {
              if (model == vm) {
                actions.refresh();
              }
            });
    model
        .framebufferProperty()
        .addListener(
            (o, was, is) -> {
              if (model == vm && displayTabController != null) {
                displayTabController.show(model);
              }
            });
    model.setOnUnexpectedStop(words -> notifyUnexpected(model, words));
  }

  /**
   * A VM in the list: its backend's icon, its name and what it runs on, its state as a coloured
   * badge and, while it runs, its uptime. A double-click starts a VM that is off, and otherwise
   * brings its console up.
   */
  private final class VmCell extends ListCell<VmViewModel> {
    private final Label badge = new Label();
    private final Label name = new Label();
    private final Label detail = new Label();
    private final Label uptime = new Label();
    private final Sparkline cpu = new Sparkline();
    private final javafx.scene.layout.StackPane iconBox = new javafx.scene.layout.StackPane();
    private final HBox row;
    private final javafx.beans.value.ChangeListener<VmState> restyle =
        (o, was, is) -> styleAsState(badge, is);
    private VmViewModel shown;

    VmCell() {
      badge.getStyleClass().add("state-badge");
      badge.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
      name.getStyleClass().add("vm-name");
      detail.getStyleClass().add("vm-detail");
      uptime.getStyleClass().add("vm-uptime");
      iconBox.setMinWidth(22);
      javafx.scene.layout.VBox words = new javafx.scene.layout.VBox(1, name, detail);
      // the row takes the list's width, never more: a long name or badge cuts the words short
      words.setMinWidth(0);
      name.setMinWidth(0);
      detail.setMinWidth(0);
      setPrefWidth(0);
      // the sparkline shows while there is an uptime: while the VM runs
      cpu.visibleProperty().bind(uptime.textProperty().isNotEmpty());
      cpu.managedProperty().bind(cpu.visibleProperty());
      HBox live = new HBox(4, cpu, uptime);
      live.setAlignment(javafx.geometry.Pos.CENTER_RIGHT);
      javafx.scene.layout.VBox right = new javafx.scene.layout.VBox(2, badge, live);
      right.setAlignment(javafx.geometry.Pos.CENTER_RIGHT);
      javafx.scene.layout.Region gap = new javafx.scene.layout.Region();
      HBox.setHgrow(gap, javafx.scene.layout.Priority.ALWAYS);
      row = new HBox(8, iconBox, words, gap, right);
      row.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
      row.getStyleClass().add("vm-row");
      setContentDisplay(javafx.scene.control.ContentDisplay.GRAPHIC_ONLY);
      setOnMouseClicked(
          e -> {
            if (e.getButton() == javafx.scene.input.MouseButton.PRIMARY
                && e.getClickCount() == 2
                && shown != null) {
              opened(shown);
            }
          });
    }

    @Override
    protected void updateItem(VmViewModel item, boolean empty) {
      super.updateItem(item, empty);
      if (shown != null) {
        shown.stateProperty().removeListener(restyle);
        badge.textProperty().unbind();
        uptime.textProperty().unbind();
      }
      shown = empty ? null : item;
      cpu.show(shown == null ? null : shown.samples());
      if (shown == null) {
        setText(null);
        setGraphic(null);
        return;
      }
      // a host group's list gets the same right-click menu as this computer's
      if (getListView() != null && getListView().getContextMenu() == null) {
        getListView().setContextMenu(hostMenu());
      }
      // the text stays for accessibility and for lookups by name; the row shows it
      setText(item.name() + "  ·  " + item.spec().backend().label());
      name.setText(item.name());
      detail.setText(describe(item.spec()));
      iconBox.getChildren().setAll(ActionControls.icon(item.spec().backend()));
      badge
          .textProperty()
          .bind(
              Bindings.createStringBinding(
                  () -> item.stateProperty().get().label(), item.stateProperty()));
      uptime.textProperty().bind(item.uptimeProperty());
      item.stateProperty().addListener(restyle);
      styleAsState(badge, item.stateProperty().get());
      setGraphic(row);
    }
  }

  /** The right-click menu of the host groups' lists (a menu shows in one place at a time). */
  private javafx.scene.control.ContextMenu hostMenu() {
    if (hostMenu == null) {
      hostMenu = actions.contextMenu();
    }
    return hostMenu;
  }

  /** "QEMU · x86_64 q35", "bundled core · linux". */
  private static String describe(VmSpec spec) {
    String what =
        switch (spec.backend()) {
          case BUNDLED ->
              spec.bundledGuest() != null ? spec.bundledGuest() : spec.memoryMiB() + " MiB";
          case QEMU -> spec.arch() + (spec.machine() == null ? "" : " " + spec.machine());
          case LIBVIRT -> spec.connection() == null ? "" : spec.connection();
        };
    return spec.backend().label() + (what.isEmpty() ? "" : "  ·  " + what);
  }

  /** A double-click on a VM: start it if it is off, else show its console. */
  private void opened(VmViewModel model) {
    if (model != vm) {
      select(model);
    }
    if (model.disabledReason(dev.berth.vm.VmAction.START) == null) {
      perform(dev.berth.vm.VmAction.START);
    } else {
      tabs.getSelectionModel().select(0);
      consoleTabController.focus(model);
    }
  }

  /** What the list shows with no VM at all: what a VM is here, and how to make one. */
  private javafx.scene.Node emptyState() {
    Label title = new Label("No virtual machines yet");
    title.getStyleClass().add("empty-title");
    Label how =
        new Label(
            "A VM is a computer Berth runs inside this one: on its own RISC-V core, on QEMU, or on"
                + " a libvirt host. Make one here, or with \"berth create\" in a terminal: it"
                + " appears at once.");
    how.setWrapText(true);
    how.getStyleClass().add("hint");
    Button make = new Button("New VM…", new org.kordamp.ikonli.javafx.FontIcon("mdi2p-plus"));
    make.setId("emptyNewVm");
    make.setOnAction(e -> newVm());
    Button host = new Button("Connect to host…");
    host.setOnAction(e -> connectToHost());
    javafx.scene.layout.VBox box = new javafx.scene.layout.VBox(8, title, how, make, host);
    box.setAlignment(javafx.geometry.Pos.CENTER);
    box.getStyleClass().add("empty-state");
    box.setId("emptyState");
    return box;
  }

  private void select(VmViewModel model) {
    if (model == null) {
      return;
    }
    vm = model;
    consoleTabController.show(model);
    if (displayTabController != null) {
      displayTabController.show(model);
    }
    if (overviewTabController != null) {
      overviewTabController.show(model);
    }
    if (eventsTabController != null) {
      eventsTabController.show(model);
    }
    if (timelineTabController != null) {
      timelineTabController.show(model);
    }
    if (snapshotsTabController != null) {
      snapshotsTabController.show(model);
    }
    lastEndLabel.textProperty().bind(model.lastEndProperty());
    messageLabel.textProperty().bind(model.messageProperty());
    // the status bar may have to cut a long line; its tooltip has it whole
    bindTooltip(lastEndLabel);
    bindTooltip(messageLabel);
    stateBadge
        .textProperty()
        .bind(
            Bindings.createStringBinding(
                () -> model.stateProperty().get().label(), model.stateProperty()));
    styleBadge(model.stateProperty().get());
    bindWait(model);
    actions.refresh();
  }

  private static void bindTooltip(Label label) {
    javafx.scene.control.Tooltip tip = new javafx.scene.control.Tooltip();
    tip.textProperty().bind(label.textProperty());
    label.setTooltip(tip);
  }

  /**
   * The status bar's count, the offer bar once the power-button timeout has passed, and the bar for
   * a guest that seems stuck.
   */
  private void bindWait(VmViewModel model) {
    BooleanBinding waiting = model.waitedSecondsProperty().greaterThanOrEqualTo(0);
    waitBox.visibleProperty().bind(waiting);
    waitBox.managedProperty().bind(waiting);
    waitLabel
        .textProperty()
        .bind(
            Bindings.createStringBinding(
                () -> "Waiting for the guest… " + model.waitedSecondsProperty().get() + " s",
                model.waitedSecondsProperty()));
    waitProgress
        .progressProperty()
        .bind(
            Bindings.createDoubleBinding(
                () ->
                    Math.min(
                        1.0,
                        model.waitedSecondsProperty().get()
                            / (double) model.buttonTimeoutSeconds()),
                model.waitedSecondsProperty()));
    BooleanBinding stalled = model.stalledProperty().isNotEmpty();
    stallBar.visibleProperty().bind(stalled);
    stallBar.managedProperty().bind(stalled);
    stallLabel.textProperty().bind(model.stalledProperty());
    // the session ends the wait when the run ends, which hides the bar
    offerBar.visibleProperty().bind(model.waitTimedOutProperty());
    offerBar.managedProperty().bind(model.waitTimedOutProperty());
    offerLabel
        .textProperty()
        .bind(
            Bindings.createStringBinding(
                () ->
                    model.name()
                        + " has not responded to the power button for "
                        + model.waitedSecondsProperty().get()
                        + " s. The guest may be ignoring it.",
                model.waitedSecondsProperty()));
  }

  private void styleBadge(VmState state) {
    styleAsState(stateBadge, state);
  }

  private static void styleAsState(Label label, VmState state) {
    label.getStyleClass().removeIf(c -> c.startsWith("state-") && !c.equals("state-badge"));
    label.getStyleClass().add("state-" + state.name().toLowerCase().replace('_', '-'));
  }

  /** A run that ended unasked, on any VM, shows in the stop bar until dismissed or restarted. */
  private void notifyUnexpected(VmViewModel model, String words) {
    stoppedVm = model;
    stopLabel.setText(model.name() + " stopped: " + words);
    stopBar.setVisible(true);
    stopBar.setManaged(true);
  }

  @FXML
  void dismissStop() {
    stoppedVm = null;
    stopBar.setVisible(false);
    stopBar.setManaged(false);
  }

  private dev.berth.vm.SpecValidator validator() {
    return dev.berth.backend.bundled.BundledMachines.validator();
  }

  private List<String> namesExcept(VmViewModel except) {
    return allVms().stream().filter(m -> m != except).map(VmViewModel::name).toList();
  }

  @FXML
  void newVm() {
    String name = "vm-" + (vms.size() + 1);
    VmSpec initial =
        VmSpec.defaultDemo().withName(name).withPowerButtonTimeout(settings.powerButtonTimeout());
    VmDialog.show(stage, "New VM", initial, true, false, validator(), namesExcept(null))
        .ifPresent(
            spec -> {
              if (save(spec)) {
                VmViewModel model =
                    VmViewModel.of(
                        spec,
                        dev.berth.backend.InstalledBackends.all(),
                        library.history(),
                        library.dirs());
                watch(model);
                synchronized (vms) {
                  vms.add(model);
                }
                vmList.getSelectionModel().select(model);
              }
            });
  }

  /** VM → Connect to host…: the host is remembered, and its group shows how connecting goes. */
  @FXML
  void connectToHost() {
    ConnectDialog.show(stage)
        .ifPresent(
            uri -> {
              try {
                hosts.connect(uri);
              } catch (java.io.IOException | IllegalArgumentException e) {
                Alert alert =
                    new Alert(Alert.AlertType.ERROR, "Cannot add " + uri + ": " + e.getMessage());
                alert.initOwner(stage);
                alert.showAndWait();
              }
            });
  }

  /** libvirt defines its domains: Berth lists them as they are and edits none of them. */
  private boolean definedElsewhere(VmViewModel model) {
    if (model.spec().backend() != VmSpec.Backend.LIBVIRT) {
      return false;
    }
    Alert alert =
        new Alert(
            Alert.AlertType.INFORMATION,
            model.name()
                + " is defined by libvirt on "
                + model.spec().connection()
                + ": change or remove it there (virsh edit, virt-manager).");
    alert.initOwner(stage);
    alert.showAndWait();
    return true;
  }

  @FXML
  void editVm() {
    VmViewModel model = vm;
    if (model == null || definedElsewhere(model)) {
      return;
    }
    VmDialog.show(
            stage,
            "Edit " + model.name(),
            model.spec(),
            false,
            model.isActive(),
            validator(),
            namesExcept(model))
        .ifPresent(
            spec -> {
              if (save(spec)) {
                model.setSpec(spec);
                if (overviewTabController != null) {
                  overviewTabController.showSpec(model);
                }
              }
            });
  }

  @FXML
  void deleteVm() {
    VmViewModel model = vm;
    if (model == null || definedElsewhere(model)) {
      return;
    }
    if (model.isActive()) {
      new Alert(Alert.AlertType.INFORMATION, model.name() + " is running: shut it down first.")
          .showAndWait();
      return;
    }
    List<java.nio.file.Path> made =
        dev.berth.vm.VmRemoval.madeFiles(
            model.spec(),
            dev.berth.backend.InstalledBackends.all(),
            library.history(),
            library.dirs());
    Alert confirm = new Alert(Alert.AlertType.CONFIRMATION);
    confirm.initOwner(stage);
    confirm.setHeaderText("Delete " + model.name() + "?");
    Label what =
        new Label(
            "Its settings are removed; image files you chose for it are not touched."
                + (made.isEmpty()
                    ? ""
                    : " Unless you tick the box, its run history and the disk Berth made for it"
                        + " are kept aside (renamed), so a new VM of this name starts afresh."));
    what.setWrapText(true);
    what.setPrefWidth(440);
    CheckBox alsoData = new CheckBox("Also delete its disk and history");
    alsoData.setId("deleteData");
    alsoData.setDisable(made.isEmpty());
    confirm.getDialogPane().setContent(new javafx.scene.layout.VBox(8, what, alsoData));
    if (confirm.showAndWait().orElse(ButtonType.CANCEL) != ButtonType.OK) {
      return;
    }
    try {
      dev.berth.vm.VmRemoval.delete(
          library.store(),
          model.name(),
          made,
          alsoData.isSelected(),
          java.time.Clock.systemDefaultZone());
      synchronized (vms) {
        vms.remove(model);
      }
      vmList.getSelectionModel().selectFirst();
    } catch (java.io.IOException e) {
      new Alert(Alert.AlertType.ERROR, "Cannot delete " + model.name() + ": " + e.getMessage())
          .showAndWait();
    }
  }

  private boolean save(VmSpec spec) {
    try {
      library.store().save(spec);
      return true;
    } catch (java.io.IOException | IllegalArgumentException e) {
      Alert alert =
          new Alert(Alert.AlertType.ERROR, "Cannot save " + spec.name() + ": " + e.getMessage());
      alert.initOwner(stage);
      alert.showAndWait();
      return false;
    }
  }

  /** Every menu item, toolbar button and right-click entry of the power menu ends here. */
  private void perform(dev.berth.vm.VmAction action) {
    VmViewModel model = vm;
    if (model == null) {
      return;
    }
    if (!confirm(action, model)) {
      return;
    }
    model.perform(action);
    if (action == dev.berth.vm.VmAction.START) {
      // typing after Start goes to the guest, not to whichever button had the focus
      consoleTabController.focus(model);
    }
  }

  /**
   * An action whose {@link dev.berth.vm.VmAction} row asks first does, unless the user said not to
   * (Preferences asks again). Cancel is the default: Enter never cuts the power.
   */
  private boolean confirm(dev.berth.vm.VmAction action, VmViewModel model) {
    if (!settings.confirms(action)) {
      return true;
    }
    Alert alert = new Alert(Alert.AlertType.WARNING);
    alert.initOwner(stage);
    alert.setTitle(action.shortLabel());
    alert.setHeaderText(action.confirm().question(model.name()));
    String caveat = model.session().caveat(action);
    Label consequence =
        new Label(action.confirm().consequence() + (caveat.isEmpty() ? "" : "\n\n" + caveat));
    consequence.setWrapText(true);
    consequence.setPrefWidth(420);
    CheckBox dontAsk = new CheckBox("Don't ask again");
    dontAsk.setTooltip(new javafx.scene.control.Tooltip("VM → Preferences… makes it ask again"));
    alert.getDialogPane().setContent(new javafx.scene.layout.VBox(8, consequence, dontAsk));
    ButtonType doIt = new ButtonType(action.shortLabel(), ButtonBar.ButtonData.OK_DONE);
    alert.getButtonTypes().setAll(doIt, ButtonType.CANCEL);
    ((Button) alert.getDialogPane().lookupButton(doIt)).setDefaultButton(false);
    ((Button) alert.getDialogPane().lookupButton(ButtonType.CANCEL)).setDefaultButton(true);
    if (alert.showAndWait().orElse(ButtonType.CANCEL) != doIt) {
      return false;
    }
    if (dontAsk.isSelected()) {
      settings.setConfirms(action, false);
    }
    return true;
  }

  @FXML
  void preferences() {
    VmDialog.showPreferences(stage, settings);
  }

  /** The offer bar's "Force off" after the guest ignored the power button. */
  @FXML
  void forceOff() {
    perform(dev.berth.vm.VmAction.FORCE_OFF);
  }

  /** The offer bar's "Keep waiting": the count starts again, and so does the timeout. */
  @FXML
  void keepWaiting() {
    if (vm != null) {
      vm.keepWaiting();
    }
  }
}
