package dev.berth.core.state;

/**
 * A part of the machine whose state goes into a saved-state file: it writes every field a guest
 * could observe and reads them back, in the same order, into a freshly built twin.
 */
public interface Saveable {
  void save(StateOut out);

  /**
   * Takes the state {@link #save} wrote.
   *
   * @throws StateException if what is read cannot be this part's state
   */
  void restore(StateIn in) throws StateException;
}
