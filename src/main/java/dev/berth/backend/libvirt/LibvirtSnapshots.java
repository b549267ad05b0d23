package dev.berth.backend.libvirt;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.berth.vm.Snapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;

/**
 * A libvirt domain's snapshots, libvirt's own (internal snapshots on qcow2 disks, with the memory
 * when the domain runs), named, described and dated by libvirt; libvirt's errors are its own words
 * ("… does not support internal snapshots" for a raw disk).
 */
final class LibvirtSnapshots {
  private final LibvirtHost host;
  private final String domain;

  LibvirtSnapshots(LibvirtHost host, String domain) {
    this.host = host;
    this.domain = domain;
  }

  List<Snapshot> list() throws IOException {
    return host.withDomain(
        domain,
        dom -> {
          PointerByReference array = new PointerByReference();
          int n = host.c().virDomainListAllSnapshots(dom, array, 0);
          if (n < 0) {
            throw new IOException("cannot list " + domain + "'s snapshots: " + host.error());
          }
          List<Snapshot> all = new ArrayList<>();
          if (n == 0) {
            return all;
          }
          Pointer[] snaps = array.getValue().getPointerArray(0, n);
          try {
            for (Pointer snap : snaps) {
              all.add(describe(snap));
            }
          } finally {
            for (Pointer snap : snaps) {
              host.c().virDomainSnapshotFree(snap);
            }
            Native.free(Pointer.nativeValue(array.getValue()));
          }
          all.sort(Comparator.comparingLong(Snapshot::createdMillis));
          return all;
        });
  }

  private Snapshot describe(Pointer snap) throws IOException {
    Pointer xml = host.c().virDomainSnapshotGetXMLDesc(snap, 0);
    if (xml == null) {
      throw new IOException("cannot read a snapshot of " + domain + ": " + host.error());
    }
    String text;
    try {
      text = xml.getString(0, "UTF-8");
    } finally {
      Native.free(Pointer.nativeValue(xml));
    }
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document d =
          f.newDocumentBuilder()
              .parse(
                  new java.io.ByteArrayInputStream(
                      text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      String state = child(d, "state");
      return new Snapshot(
          child(d, "name"),
          child(d, "description"),
          Long.parseLong(child(d, "creationTime").isEmpty() ? "0" : child(d, "creationTime"))
              * 1000,
          state.equals("running") || state.equals("paused"),
          0,
          null);
    } catch (Exception e) {
      throw new IOException(
          "libvirt's description of a snapshot of " + domain + " is unreadable", e);
    }
  }

  /** The text of the snapshot element's own child {@code name}, or "". */
  private static String child(Document d, String name) {
    for (org.w3c.dom.Node n = d.getDocumentElement().getFirstChild();
        n != null;
        n = n.getNextSibling()) {
      if (n.getNodeName().equals(name)) {
        return n.getTextContent().strip();
      }
    }
    return "";
  }

  Snapshot find(String tag) throws IOException {
    return Snapshot.find(list(), domain, tag);
  }

  Snapshot take(String tag, String description) throws IOException {
    Snapshot.requireTag(tag);
    String xml =
        "<domainsnapshot><name>"
            + tag
            + "</name><description>"
            + escape(description == null ? "" : description)
            + "</description></domainsnapshot>";
    host.withDomain(
        domain,
        dom -> {
          Pointer snap = host.c().virDomainSnapshotCreateXML(dom, xml, 0);
          if (snap == null) {
            throw new IOException("libvirt: " + host.error());
          }
          host.c().virDomainSnapshotFree(snap);
          return null;
        });
    return find(tag);
  }

  /** libvirt puts the domain in the snapshot's state: running, paused or off. */
  void revert(String tag) throws IOException {
    onSnapshot(tag, snap -> host.c().virDomainRevertToSnapshot(snap, 0));
  }

  void delete(String tag) throws IOException {
    onSnapshot(tag, snap -> host.c().virDomainSnapshotDelete(snap, 0));
  }

  @FunctionalInterface
  private interface SnapshotCall {
    int run(Pointer snap);
  }

  private void onSnapshot(String tag, SnapshotCall call) throws IOException {
    find(tag);
    host.withDomain(
        domain,
        dom -> {
          Pointer snap = host.c().virDomainSnapshotLookupByName(dom, tag, 0);
          if (snap == null) {
            throw new IOException(domain + " has no snapshot named " + tag);
          }
          try {
            if (call.run(snap) < 0) {
              throw new IOException("libvirt: " + host.error());
            }
          } finally {
            host.c().virDomainSnapshotFree(snap);
          }
          return null;
        });
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
