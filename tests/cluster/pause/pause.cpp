// The local cluster's pod sandbox ("pause") process: holds the pod's namespaces open,
// reaps zombies re-parented to it (it is PID 1 of the pod when the PID namespace is
// shared), and exits 0 on SIGTERM or SIGINT. Built static so the image needs no libc.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <sys/wait.h>
#include <unistd.h>

namespace {

volatile std::sig_atomic_t stop_requested = 0;

void OnStop(int) { stop_requested = 1; }

void OnChild(int) {
  const int saved_errno = errno;  // a handler must not clobber the interrupted code's errno
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  errno = saved_errno;
}

void Install(int signal_number, void (*handler)(int), int flags) {
  struct sigaction action {};
  action.sa_handler = handler;
  action.sa_flags = flags;
  sigemptyset(&action.sa_mask);
  if (sigaction(signal_number, &action, nullptr) != 0) {
    std::perror("pause: sigaction");
    _exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && (std::strcmp(argv[1], "-v") == 0 || std::strcmp(argv[1], "--version") == 0)) {
    std::puts("minitwit-pause 1.0");
    return 0;
  }
  // Signals stay blocked except inside sigsuspend, so a SIGTERM between the check of
  // stop_requested and the wait cannot be lost.
  sigset_t blocked;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGINT);
  sigaddset(&blocked, SIGTERM);
  sigaddset(&blocked, SIGCHLD);
  sigset_t wait_mask;
  sigprocmask(SIG_BLOCK, &blocked, &wait_mask);
  sigdelset(&wait_mask, SIGINT);
  sigdelset(&wait_mask, SIGTERM);
  sigdelset(&wait_mask, SIGCHLD);

  Install(SIGINT, OnStop, 0);
  Install(SIGTERM, OnStop, 0);
  Install(SIGCHLD, OnChild, SA_NOCLDSTOP);
  OnChild(0);  // children that exited before the handler was installed
  while (stop_requested == 0) {
    sigsuspend(&wait_mask);
  }
  return 0;
}
