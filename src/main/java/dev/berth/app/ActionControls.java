package dev.berth.app;

import dev.berth.vm.VmAction;
import dev.berth.vm.VmSpec;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBase;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Separator;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitMenuButton;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCombination;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignA;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;
import org.kordamp.ikonli.materialdesign2.MaterialDesignD;
import org.kordamp.ikonli.materialdesign2.MaterialDesignK;
import org.kordamp.ikonli.materialdesign2.MaterialDesignL;
import org.kordamp.ikonli.materialdesign2.MaterialDesignP;
import org.kordamp.ikonli.materialdesign2.MaterialDesignR;
import org.kordamp.ikonli.materialdesign2.MaterialDesignS;

/**
 * The menu bar's Machine menu, the toolbar and the VM list's right-click menu, all built from the
 * one {@link VmAction} table: labels, shortcuts, tooltips, icons, and when each is enabled. Pause
 * and Resume share one control that shows whichever applies.
 *
 * <p>The toolbar reads at a glance: Start, Pause, a split <b>Shut down ▾</b> (its main part shuts
 * down; its menu holds every other way to stop or restart, with the signals in a submenu), <b>Send
 * key ▾</b> and Save state.
 */
final class ActionControls {
  /** Start's icon; loading it loads the font every icon here comes from. */
  static final Ikon START_ICON = MaterialDesignP.PLAY;

  private final Supplier<VmViewModel> current;
  private final Consumer<VmAction> run;
  private final Map<VmAction, List<MenuItem>> items = new EnumMap<>(VmAction.class);
  private final Map<VmAction, ButtonBase> buttons = new EnumMap<>(VmAction.class);
  private final List<Menu> submenus = new ArrayList<>();
  private SplitMenuButton shutDown;
  private MenuButton sendKey;

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

  private MenuItem item(VmAction a, String id) {
    MenuItem item = new MenuItem(a.label(), icon(a));
    item.setId(id);
    item.setOnAction(e -> run.accept(toggled(a)));
    items.computeIfAbsent(a, k -> new ArrayList<>()).add(item);
    return item;
  }

  private Menu submenu(String label, Ikon ikon, String id) {
    Menu menu = new Menu(label, new FontIcon(ikon));
    menu.setId(id);
    submenus.add(menu);
    return menu;
  }

  private List<MenuItem> menuItems(boolean withShortcuts) {
    List<MenuItem> out = new ArrayList<>();
    Menu signals =
        submenu("Si_gnal", MaterialDesignL.LIGHTNING_BOLT, withShortcuts ? "signalMenu" : null);
    Menu keys =
        submenu("Send _key", MaterialDesignK.KEYBOARD, withShortcuts ? "sendKeyMenu" : null);
    for (VmAction a : VmAction.values()) {
      if (a == VmAction.RESUME) {
        continue; // shares PAUSE's item
      }
      MenuItem item = item(a, withShortcuts && a.shortcut() != null ? camel(a) + "Item" : null);
      if (withShortcuts && a.shortcut() != null) {
        item.setAccelerator(KeyCombination.valueOf(a.shortcut()));
      }
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

  /** True for the actions the toolbar's Shut down ▾ menu holds: the other ways to stop. */
  static boolean inShutDownMenu(VmAction a) {
    return a.where() == VmAction.Where.MACHINE
        && a != VmAction.START
        && a != VmAction.PAUSE
        && a != VmAction.RESUME
        && a != VmAction.SAVE_STATE;
  }

  /** The toolbar: Start, Pause, Shut down ▾, Send key ▾, Save state. */
  void fillToolbar(ToolBar bar) {
    bar.getItems().clear();
    bar.getItems().addAll(button(VmAction.START), button(VmAction.PAUSE), separator());

    shutDown = new SplitMenuButton();
    shutDown.setId("shutDown");
    shutDown.setText(VmAction.SHUT_DOWN.shortLabel());
    shutDown.setGraphic(icon(VmAction.SHUT_DOWN));
    shutDown.setTooltip(new Tooltip(tooltip(VmAction.SHUT_DOWN)));
    // its main part shuts down; when that cannot be done now, it opens the other ways instead
    shutDown.setOnAction(
        e -> {
          if (why(VmAction.SHUT_DOWN) == null) {
            run.accept(VmAction.SHUT_DOWN);
          } else {
            shutDown.show();
          }
        });
    Menu signals = submenu("Si_gnals", MaterialDesignL.LIGHTNING_BOLT, "signalsTool");
    for (VmAction a : VmAction.values()) {
      if (inShutDownMenu(a)) {
        shutDown.getItems().add(item(a, camel(a) + "Tool"));
        if (a == VmAction.FORCE_OFF) {
          shutDown.getItems().add(signals);
        }
      } else if (a.where() == VmAction.Where.SIGNALS) {
        signals.getItems().add(item(a, camel(a) + "Tool"));
      }
    }

    sendKey = new MenuButton("Send key", new FontIcon(MaterialDesignK.KEYBOARD));
    sendKey.setId("sendKey");
    sendKey.setTooltip(new Tooltip("Press a key combination on the guest's keyboard"));
    for (VmAction a : VmAction.values()) {
      if (a.where() == VmAction.Where.SEND_KEY) {
        sendKey.getItems().add(item(a, camel(a) + "Tool"));
      }
    }
    bar.getItems().addAll(shutDown, sendKey, separator(), button(VmAction.SAVE_STATE));
  }

  private static Separator separator() {
    return new Separator(javafx.geometry.Orientation.VERTICAL);
  }

  private Button button(VmAction a) {
    Button b = new Button(a.shortLabel(), icon(a));
    b.setId(camel(a));
    b.setTooltip(new Tooltip(tooltip(a)));
    b.setOnAction(e -> run.accept(toggled(a)));
    buttons.put(a, b);
    return b;
  }

  /** Pause's control does Resume while the VM is paused. */
  private VmAction toggled(VmAction a) {
    VmViewModel vm = current.get();
    if (a == VmAction.PAUSE && vm != null && vm.disabledReason(VmAction.RESUME) == null) {
      return VmAction.RESUME;
    }
    return a;
  }

  private String why(VmAction a) {
    VmViewModel vm = current.get();
    return vm == null ? "no VM selected" : vm.disabledReason(a);
  }

  /** Enables each control for the selected VM's state and capabilities. */
  void refresh() {
    for (VmAction a : VmAction.values()) {
      if (a == VmAction.RESUME) {
        continue;
      }
      VmAction shown = toggled(a);
      String why = why(shown);
      for (MenuItem m : items.getOrDefault(a, List.of())) {
        m.setDisable(why != null);
        m.setText(shown.label());
        if (a.pairedWith() != null) {
          m.setGraphic(icon(shown));
        }
      }
      ButtonBase b = buttons.get(a);
      if (b != null) {
        b.setDisable(why != null);
        b.setText(shown.shortLabel());
        if (a.pairedWith() != null) {
          b.setGraphic(icon(shown));
        }
        b.getTooltip().setText(notNow(tooltip(shown), why));
      }
    }
    // a submenu is usable while any of its items is
    for (Menu m : submenus) {
      m.setDisable(m.getItems().stream().allMatch(MenuItem::isDisable));
    }
    if (shutDown != null) {
      shutDown.setDisable(shutDown.getItems().stream().allMatch(MenuItem::isDisable));
      shutDown.getTooltip().setText(notNow(tooltip(VmAction.SHUT_DOWN), why(VmAction.SHUT_DOWN)));
      sendKey.setDisable(sendKey.getItems().stream().allMatch(MenuItem::isDisable));
      String keysWhy = why(VmAction.CTRL_ALT_DEL);
      sendKey
          .getTooltip()
          .setText(notNow("Press a key combination on the guest's keyboard", keysWhy));
    }
  }

  private static String notNow(String tip, String why) {
    return why == null ? tip : tip + "\nNot now: " + why;
  }

  private static String tooltip(VmAction a) {
    return a.shortcut() == null
        ? a.tooltip()
        : a.tooltip() + " (" + KeyCombination.valueOf(a.shortcut()).getDisplayText() + ")";
  }

  /** The action's icon, a new node each time (a node sits in one place only). */
  static Node icon(VmAction a) {
    Ikon ikon =
        switch (a) {
          case START, RESUME -> MaterialDesignP.PLAY;
          case PAUSE -> MaterialDesignP.PAUSE;
          case POWER_BUTTON -> MaterialDesignP.POWER_STANDBY;
          case SHUT_DOWN -> MaterialDesignP.POWER;
          case REBOOT -> MaterialDesignR.RESTART;
          case RESET -> MaterialDesignR.RESTART_ALERT;
          case FORCE_OFF -> MaterialDesignP.POWER_PLUG_OFF;
          case QUIT -> MaterialDesignC.CLOSE_OCTAGON;
          case KILL -> MaterialDesignS.SKULL;
          case INTERRUPT, TERMINATE -> MaterialDesignS.SIGNAL;
          case WAKE_UP -> MaterialDesignA.ALARM;
          case SAVE_STATE -> MaterialDesignC.CONTENT_SAVE;
          default -> a.chord() != null ? MaterialDesignK.KEYBOARD_VARIANT : null;
        };
    return ikon == null ? null : new FontIcon(ikon);
  }

  /** The icon of a VM's backend in the list: the bundled core, QEMU, a libvirt host. */
  static Node icon(VmSpec.Backend backend) {
    FontIcon icon =
        new FontIcon(
            switch (backend) {
              case BUNDLED -> MaterialDesignC.CHIP;
              case QEMU -> MaterialDesignD.DESKTOP_CLASSIC;
              case LIBVIRT -> MaterialDesignS.SERVER;
            });
    icon.getStyleClass().add("backend-icon");
    return icon;
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
