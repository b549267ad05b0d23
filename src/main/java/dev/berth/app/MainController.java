package dev.berth.app;

import dev.berth.vm.VmState;
import java.util.List;
import javafx.animation.AnimationTimer;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;

/** The main window: thin; the state lives in {@link VmViewModel}. */
public final class MainController {
  /** The console keeps this many characters; older output scrolls away. */
  private static final int CONSOLE_LIMIT = 400_000;

  @FXML private ListView<VmViewModel> vmList;
  @FXML private TextArea console;
  @FXML private ListView<String> eventList;
  @FXML private Label stateBadge;
  @FXML private Label lastEndLabel;
  @FXML private Label messageLabel;
  @FXML private Button startButton;
  @FXML private Button powerButton;
  @FXML private Button quitButton;
  @FXML private Button forceButton;
  @FXML private Button resetButton;
  @FXML private Button pauseButton;
  @FXML private MenuItem startItem;
  @FXML private MenuItem buttonItem;
  @FXML private MenuItem quitItem;
  @FXML private MenuItem forceItem;
  @FXML private MenuItem resetItem;
  @FXML private MenuItem pauseItem;

  private VmViewModel vm;

  void show(List<VmViewModel> vms) {
    vmList.getItems().setAll(vms);
    vmList.setCellFactory(
        list ->
            new ListCell<>() {
              @Override
              protected void updateItem(VmViewModel item, boolean empty) {
                super.updateItem(item, empty);
                if (empty || item == null) {
                  textProperty().unbind();
                  setText(null);
                } else {
                  textProperty()
                      .bind(
                          Bindings.createStringBinding(
                              () ->
                                  item.name()
                                      + "  ·  "
                                      + item.stateProperty().get().label()
                                      + "  ·  bundled core",
                              item.stateProperty()));
                }
              }
            });
    vmList.getSelectionModel().selectFirst();
    select(vmList.getSelectionModel().getSelectedItem());

    console.addEventFilter(KeyEvent.KEY_TYPED, this::keyTyped);
    console.addEventFilter(KeyEvent.KEY_PRESSED, this::keyPressed);
    new AnimationTimer() {
      @Override
      public void handle(long now) {
        String text = vm == null ? "" : vm.drainConsole();
        if (!text.isEmpty()) {
          console.appendText(text.replace("\r", ""));
          if (console.getLength() > CONSOLE_LIMIT) {
            console.deleteText(0, console.getLength() - CONSOLE_LIMIT);
          }
        }
      }
    }.start();
  }

  private void select(VmViewModel model) {
    vm = model;
    eventList.setItems(model.events());
    lastEndLabel.textProperty().bind(model.lastEndProperty());
    messageLabel.textProperty().bind(model.messageProperty());
    stateBadge
        .textProperty()
        .bind(
            Bindings.createStringBinding(
                () -> model.stateProperty().get().label(), model.stateProperty()));
    model.stateProperty().addListener((o, was, is) -> styleBadge(is));
    styleBadge(model.stateProperty().get());

    BooleanBinding off =
        Bindings.createBooleanBinding(
            () -> !model.stateProperty().get().isActive(), model.stateProperty());
    BooleanBinding notRunning =
        Bindings.createBooleanBinding(
            () -> model.stateProperty().get() != VmState.RUNNING, model.stateProperty());
    startButton.disableProperty().bind(off.not());
    startItem.disableProperty().bind(off.not());
    powerButton.disableProperty().bind(notRunning);
    buttonItem.disableProperty().bind(notRunning);
    for (Button b : List.of(quitButton, forceButton, resetButton, pauseButton)) {
      b.disableProperty().bind(off);
    }
    for (MenuItem m : List.of(quitItem, forceItem, resetItem, pauseItem)) {
      m.disableProperty().bind(off);
    }
    pauseButton
        .textProperty()
        .bind(
            Bindings.createStringBinding(
                () -> model.stateProperty().get() == VmState.PAUSED ? "Resume" : "Pause",
                model.stateProperty()));
  }

  private void styleBadge(VmState state) {
    stateBadge.getStyleClass().removeIf(c -> c.startsWith("state-") && !c.equals("state-badge"));
    stateBadge.getStyleClass().add("state-" + state.name().toLowerCase().replace('_', '-'));
  }

  private void keyTyped(KeyEvent e) {
    String ch = e.getCharacter();
    if (!ch.isEmpty() && ch.charAt(0) != KeyEvent.CHAR_UNDEFINED.charAt(0)) {
      vm.type(ch.equals("\n") ? "\r" : ch);
    }
    e.consume();
  }

  private void keyPressed(KeyEvent e) {
    if (e.getCode() == KeyCode.BACK_SPACE) {
      vm.type("\u007f");
      e.consume();
    }
  }

  @FXML
  void start() {
    vm.start();
  }

  @FXML
  void powerButton() {
    vm.powerButton();
  }

  @FXML
  void quit() {
    vm.quit();
  }

  @FXML
  void forceOff() {
    vm.forceOff();
  }

  @FXML
  void reset() {
    vm.reset();
  }

  @FXML
  void togglePause() {
    vm.togglePause();
  }
}
