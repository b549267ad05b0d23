package dev.berth.cli;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Any failure as one line a user can act on; the details go to the log. */
final class CliErrors {
  private CliErrors() {}

  static String describe(Throwable e) {
    if (e instanceof UncheckedIOException && e.getCause() != null) {
      return describe(e.getCause());
    }
    if (e instanceof OutOfMemoryError) {
      return "out of memory (the input is too large)";
    }
    if (e instanceof FileSystemException f) {
      // Their getMessage() is often the bare path; say what happened to it.
      String file = f.getFile() == null ? "" : f.getFile() + ": ";
      String why =
          e instanceof AccessDeniedException
              ? "permission denied"
              : e instanceof NoSuchFileException
                  ? "no such file or directory"
                  : e instanceof FileAlreadyExistsException
                      ? "already exists"
                      : e instanceof NotDirectoryException
                          ? "not a directory"
                          : f.getReason() != null ? f.getReason() : "cannot be used";
      return file + why;
    }
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
