package dev.berth.app;

import dev.berth.vm.Backends;
import dev.berth.vm.BerthDirs;
import dev.berth.vm.KnownHosts;
import dev.berth.vm.RunHistory;
import dev.berth.vm.VmHost;
import dev.berth.vm.VmSpec;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javafx.application.Platform;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.Callback;

/**
 * The libvirt hosts in the sidebar, under Berth's own VMs: one group per host with its URI, its
 * connection state ("Connected", "Unreachable: …") and the domains it defines, which come and go as
 * libvirt defines and undefines them. Each domain is a {@link VmViewModel} like any other VM.
 */
final class HostGroups {
  private final VBox box;
  private final KnownHosts known;
  private final Backends backends;
  private final RunHistory history;
  private final BerthDirs dirs;
  private final Callback<ListView<VmViewModel>, ListCell<VmViewModel>> cells;
  private final Consumer<VmViewModel> adopt;
  private final Consumer<VmViewModel> select;
  private final Map<String, Group> groups = new LinkedHashMap<>();

  /** Every host's VMs, for any thread (the signal handler); changed on the FX thread. */
  private final List<VmViewModel> all = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * @param adopt called once for each VM a host brings, before it is shown
   * @param select called when the user selects one of the hosts' VMs
   */
  HostGroups(
      VBox box,
      KnownHosts known,
      Backends backends,
      RunHistory history,
      BerthDirs dirs,
      Callback<ListView<VmViewModel>, ListCell<VmViewModel>> cells,
      Consumer<VmViewModel> adopt,
      Consumer<VmViewModel> select) {
    this.box = box;
    this.known = known;
    this.backends = backends;
    this.history = history;
    this.dirs = dirs;
    this.cells = cells;
    this.adopt = adopt;
    this.select = select;
    known.uris().forEach(this::show);
  }

  /** Adds a host the user named, remembers it, and connects. */
  void connect(String uri) throws IOException {
    if (known.add(uri)) {
      show(uri);
    }
  }

  /** Every VM of every host. */
  List<VmViewModel> vms() {
    return List.copyOf(all);
  }

  /** Clears the selection in every host's list but {@code keep}. */
  void clearSelectionExcept(ListView<VmViewModel> keep) {
    for (Group g : groups.values()) {
      if (g.list != keep) {
        g.list.getSelectionModel().clearSelection();
      }
    }
  }

  private void show(String uri) {
    Group g = new Group(uri);
    groups.put(uri, g);
    box.getChildren().add(g.node);
    try {
      g.host = backends.host(uri);
      g.host.watch(g);
    } catch (IOException e) {
      g.status(e.getMessage(), false); // libvirt's library is missing: say what to install
    }
  }

  private void forget(Group g) {
    if (g.vms.stream().anyMatch(VmViewModel::isActive)) {
      g.status("Berth watches VMs of this host that run: stop them before removing it", false);
      return;
    }
    try {
      known.remove(g.uri);
    } catch (IOException e) {
      g.status("cannot forget the host: " + e.getMessage(), false);
      return;
    }
    if (g.host != null) {
      VmHost host = g.host;
      host.unwatch(g);
      java.util.concurrent.CompletableFuture.runAsync(host::close); // may wait on the host
    }
    groups.remove(g.uri);
    all.removeAll(g.vms);
    box.getChildren().remove(g.node);
  }

  /** One host: its header and its VMs. */
  private final class Group implements VmHost.Listener {
    final String uri;
    final VBox node = new VBox();
    final Label status = new Label("Connecting…");
    final ObservableList<VmViewModel> vms = FXCollections.observableArrayList();
    final ListView<VmViewModel> list = new ListView<>(vms);
    VmHost host;

    Group(String uri) {
      this.uri = uri;
      Label title = new Label(uri);
      title.getStyleClass().add("host-title");
      title.setTooltip(new Tooltip(uri));
      status.getStyleClass().addAll("host-status", "host-connecting");
      status.setWrapText(true);
      Button remove = new Button("Remove");
      remove.setTooltip(new Tooltip("Forget this host; its VMs keep running under libvirt"));
      remove.setOnAction(e -> forget(this));
      Region grow = new Region();
      HBox.setHgrow(grow, Priority.ALWAYS);
      HBox header = new HBox(6, title, grow, remove);
      header.getStyleClass().add("host-header");
      list.getStyleClass().add("vm-list");
      list.setCellFactory(cells);
      list.setPrefHeight(120);
      list.getSelectionModel()
          .selectedItemProperty()
          .addListener(
              (o, was, is) -> {
                if (is != null) {
                  clearSelectionExcept(list);
                  select.accept(is);
                }
              });
      node.getStyleClass().add("host-group");
      node.getChildren().addAll(header, status, list);
    }

    void status(String words, boolean connected) {
      status.setText(words);
      status.getStyleClass().removeAll("host-connecting", "host-connected", "host-unreachable");
      status.getStyleClass().add(connected ? "host-connected" : "host-unreachable");
    }

    @Override
    public void link(String why) {
      Platform.runLater(
          () -> {
            if (why == null) {
              status("Connected", true);
            } else {
              status("Unreachable: " + why, false);
            }
          });
    }

    @Override
    public void vms(List<VmSpec> specs) {
      Platform.runLater(() -> update(specs));
    }

    /** New domains are added and reattached; undefined ones go, unless a run is under way. */
    private void update(List<VmSpec> specs) {
      Set<String> names = specs.stream().map(VmSpec::name).collect(Collectors.toSet());
      List<VmViewModel> gone =
          vms.stream().filter(m -> !names.contains(m.name()) && !m.isActive()).toList();
      vms.removeAll(gone);
      all.removeAll(gone);
      Set<String> shown = vms.stream().map(VmViewModel::name).collect(Collectors.toSet());
      for (VmSpec spec : specs) {
        if (!shown.contains(spec.name())) {
          VmViewModel model = VmViewModel.of(spec, backends, history, dirs);
          adopt.accept(model);
          vms.add(model);
          all.add(model);
          model.reattach();
        }
      }
    }
  }
}
