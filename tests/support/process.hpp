// Test support: run the incasso binary as a child process, as an operator would.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace incasso::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 if killed by a signal
  std::string out;
  std::string err;
};

// Runs `args` (args[0] is the program path) with extra environment variables, in `cwd`, feeding
// `input` on stdin; waits for it to exit.
ProcessResult RunProcess(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env = {},
                         const std::string& cwd = {}, const std::string& input = {});

// A child left running (e.g. `incasso serve`); killed with SIGKILL on destruction if still alive.
class RunningProcess {
 public:
  RunningProcess(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env, const std::string& cwd);
  ~RunningProcess();
  RunningProcess(const RunningProcess&) = delete;
  RunningProcess& operator=(const RunningProcess&) = delete;

  // Reads stdout until a line containing `needle` appears or `timeout` passes; returns the line
  // (empty on timeout or EOF).
  std::string WaitForLine(const std::string& needle, std::chrono::milliseconds timeout);
  void Signal(int sig);
  // Waits up to `timeout` for the exit; returns the exit code, or -2 on timeout, -1 if signalled.
  int WaitExit(std::chrono::milliseconds timeout);
  std::string ReadAllStderr();

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string buffer_;
};

// A minimal HTTP/1.1 client over a raw socket: returns the whole response (status line,
// headers, body) or an empty string on connection failure.
std::string HttpGet(int port, const std::string& path);

}  // namespace incasso::testing
