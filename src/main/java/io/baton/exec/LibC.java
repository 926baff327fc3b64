package io.baton.exec;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;

/**
 * The few glibc calls behind {@link PosixSpawner} and {@link Orphans}; constants are those of Linux
 * (x86-64, arm64).
 */
interface LibC extends Library {
  short POSIX_SPAWN_SETSIGDEF = 0x04;
  short POSIX_SPAWN_SETSIGMASK = 0x08;
  short POSIX_SPAWN_SETSID = 0x80; // glibc 2.26
  int O_RDONLY = 0;
  int O_WRONLY = 1;
  int O_CREAT = 0100;
  int O_APPEND = 02000;
  int P_PID = 1;
  int WEXITED = 4;
  int WNOHANG = 1;
  int WNOWAIT = 0x01000000;
  int EPERM = 1;
  int EINTR = 4;
  int ECHILD = 10;
  /** prctl: orphaned descendants are re-parented to this process instead of init (Linux 3.4). */
  int PR_SET_CHILD_SUBREAPER = 36;
  /** Opaque glibc structures are allocated with room to spare (80, 336 and 128 bytes on x86-64). */
  int OPAQUE_SIZE = 512;

  /** The C library, or null where JNA cannot load (its native part is unpacked into a temporary folder first). */
  static LibC get() {
    return Loaded.C;
  }

  static boolean loadable() {
    return Loaded.C != null;
  }

  /** Whether this libc has every call used here (closefrom needs glibc 2.34). */
  static boolean complete() {
    if (!loadable()) {
      return false;
    }
    try {
      NativeLibrary c = NativeLibrary.getInstance("c");
      c.getFunction("posix_spawn_file_actions_addchdir_np");
      c.getFunction("posix_spawn_file_actions_addclosefrom_np");
      c.getFunction("posix_spawnattr_setflags");
      return true;
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      return false;
    }
  }

  /** Loaded once, on first use: JNA's failure to load is a LinkageError of one kind or another. */
  final class Loaded {
    static final LibC C = load();

    private Loaded() {}

    private static LibC load() {
      try {
        return Native.load("c", LibC.class);
      } catch (LinkageError e) {
        org.slf4j.LoggerFactory.getLogger(LibC.class).warn("JNA cannot load the C library ({}): processes start"
            + " through setsid and setpriv and groups are signalled with kill(1)", e.toString());
        return null;
      }
    }
  }

  static Memory opaque() {
    Memory m = new Memory(OPAQUE_SIZE);
    m.clear();
    return m;
  }

  int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attr, StringArray argv,
      StringArray envp);

  int posix_spawn_file_actions_init(Pointer actions);

  int posix_spawn_file_actions_destroy(Pointer actions);

  int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int flags, int mode);

  int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

  int posix_spawn_file_actions_addchdir_np(Pointer actions, String path);

  int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

  int posix_spawnattr_init(Pointer attr);

  int posix_spawnattr_destroy(Pointer attr);

  int posix_spawnattr_setflags(Pointer attr, short flags);

  int posix_spawnattr_setsigmask(Pointer attr, Pointer set);

  int posix_spawnattr_setsigdefault(Pointer attr, Pointer set);

  int sigemptyset(Pointer set);

  int sigfillset(Pointer set);

  int waitid(int idType, int id, Pointer info, int options);

  int waitpid(int pid, IntByReference status, int options);

  int kill(int pid, int signal);

  int prctl(int option, long arg2, long arg3, long arg4, long arg5);

  String strerror(int error);
}
