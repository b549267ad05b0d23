package dev.berth.app;

import dev.berth.vm.VmAction;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCombination;

/**
 * The menu bar's Machine menu, the toolbar and the VM list's right-click menu, all built from the
 * one {@link VmAction} table: labels, shortcuts, tooltips, and when each is enabled. Pause and
 * Resume share one control that shows whichever applies.
 */
final class ActionControls {
  private final Supplier<VmViewModel> current;
  private final Consumer<VmAction> run;
  private final Map<VmAction, List<MenuItem>> items = new EnumMap<>(VmAction.class);
  private final Map<VmAction, Button> buttons = new EnumMap<>(VmAction.class);

  /**
   * @param current the selected VM, or null
   * @param run what a click does (the controller first asks what the action's row says to ask)
   */
  ActionControls(Supplier<VmViewModel> current, Consumer<VmAction> run) {
    this.current = current;
    this.run = run;
  }

  /** Fills the Machine menu; only this one carries the shortcuts. */
  void fillMenu(Menu machine) {
    machine.getItems().setAll(menuItems(true));
  }

  ContextMenu contextMenu() {
    ContextMenu menu = new ContextMenu();
    menu.getItems().setAll(menuItems(false));
    menu.setOnShowing(e -> refresh());
    return menu;
  }

  private List<MenuItem> menuItems(boolean withShortcuts) {
    List<MenuItem> out = new ArrayList<>();
    Menu signals = new Menu("Si_gnal");
    signals.setId(withShortcuts ? "signalMenu" : null);
    Menu keys = new Menu("Send _key");
    for (VmAction a : VmAction.values()) {
      if (a == VmAction.RESUME) {
        continue; // shares PAUSE's item
      }
      MenuItem item = new MenuItem(a.label());
      if (withShortcuts && a.shortcut() != null) {
        item.setAccelerator(KeyCombination.valueOf(a.shortcut()));
        item.setId(camel(a) + "Item");
      }
      item.setOnAction(e -> run.accept(toggled(a)));
      items.computeIfAbsent(a, k -> new ArrayList<>()).add(item);
      switch (a.where()) {
        case SIGNALS -> signals.getItems().add(item);
        case SEND_KEY -> keys.getItems().add(item);
        case MACHINE -> {
          out.add(item);
          if (a == VmAction.START || a == VmAction.FORCE_OFF) {
            if (a == VmAction.FORCE_OFF) {
              out.add(signals);
            }
            out.add(new SeparatorMenuItem());
          }
        }
      }
    }
    out.add(keys);
    return out;
  }

  /** The toolbar: Start, the ways to stop, then Reset and Pause/Resume. */
  void fillToolbar(ToolBar bar) {
    bar.getItems().clear();
    for (VmAction a : VmAction.values()) {
      if (a.where() != VmAction.Where.MACHINE || a == VmAction.RESUME || a == VmAction.WAKE_UP) {
        continue;
      }
      if (a == VmAction.POWER_BUTTON || a == VmAction.RESET) {
        bar.getItems().add(new javafx.scene.control.Separator());
      }
      Button b = new Button(a.shortLabel());
      b.setId(camel(a));
      b.setTooltip(new Tooltip(tooltip(a)));
      b.setOnAction(e -> run.accept(toggled(a)));
      buttons.put(a, b);
      bar.getItems().add(b);
    }
  }

  /** Pause's control does Resume while the VM is paused. */
  private VmAction toggled(VmAction a) {
    VmViewModel vm = current.get();
    if (a == VmAction.PAUSE && vm != null && vm.disabledReason(VmAction.RESUME) == null) {
      return VmAction.RESUME;
    }
    return a;
  }

  /** Enables each control for the selected VM's state and capabilities. */
  void refresh() {
    VmViewModel vm = current.get();
    for (VmAction a : VmAction.values()) {
      if (a == VmAction.RESUME) {
        continue;
      }
      VmAction shown = toggled(a);
      String why = vm == null ? "no VM selected" : vm.disabledReason(shown);
      for (MenuItem m : items.getOrDefault(a, List.of())) {
        m.setDisable(why != null);
        m.setText(shown.label());
      }
      Button b = buttons.get(a);
      if (b != null) {
        b.setDisable(why != null);
        b.setText(shown.shortLabel());
        b.getTooltip().setText(why == null ? tooltip(shown) : tooltip(shown) + "\nNot now: " + why);
      }
    }
  }

  private static String tooltip(VmAction a) {
    return a.shortcut() == null
        ? a.tooltip()
        : a.tooltip() + " (" + KeyCombination.valueOf(a.shortcut()).getDisplayText() + ")";
  }

  /** POWER_BUTTON → powerButton: the node ids tests and styles use. */
  static String camel(VmAction a) {
    StringBuilder sb = new StringBuilder();
    for (String part : a.name().toLowerCase(java.util.Locale.ROOT).split("_")) {
      sb.append(
          sb.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
    }
    return sb.toString();
  }
}
