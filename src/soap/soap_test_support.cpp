#include "soap/soap_test_support.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

extern char** environ;

namespace incasso::soap::testing {
namespace {

std::string ReadAll(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = static_cast<bool>(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string SchemaPath() {
  return std::string(INCASSO_PAGOPA_SPEC_DIR) + "/pagopa-api/soap-paForNode.xsd";
}

// A file in $TMPDIR (or /tmp) removed on destruction.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    const char* dir = std::getenv("TMPDIR");
    std::string pattern =
        std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/incasso-soap-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    const int fd = mkstemp(buf.data());
    if (fd < 0) return;
    path_ = buf.data();
    std::size_t done = 0;
    while (done < content.size()) {
      const ssize_t n = write(fd, content.data() + done, content.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    close(fd);
  }
  ~TempFile() {
    if (!path_.empty()) unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

std::string GoldenDir() { return INCASSO_SOAP_GOLDEN_DIR; }

std::string Golden(const std::string& name) {
  bool ok = false;
  std::string text = ReadAll(GoldenDir() + "/" + name, &ok);
  EXPECT_TRUE(ok) << "cannot read golden file " << GoldenDir() << "/" << name;
  return text;
}

::testing::AssertionResult SchemaValid(const std::string& xml) {
  const std::string xmllint = INCASSO_XMLLINT;
  if (xmllint.empty() || xmllint.find("NOTFOUND") != std::string::npos ||
      access(xmllint.c_str(), X_OK) != 0) {
    return ::testing::AssertionFailure()
           << "xmllint not found (install libxml2-utils and re-run cmake); responses cannot be "
              "validated against the pagoPA XSD";
  }
  if (access(SchemaPath().c_str(), R_OK) != 0) {
    return ::testing::AssertionFailure()
           << "pagoPA schema not found at " << SchemaPath()
           << " (set -DINCASSO_PAGOPA_SPEC_DIR=<dir holding pagopa-api/>)";
  }
  TempFile doc(xml);
  TempFile out("");
  if (doc.path().empty() || out.path().empty()) {
    return ::testing::AssertionFailure() << "cannot create temporary files";
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.path().c_str(), O_WRONLY | O_TRUNC, 0);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::string schema = SchemaPath();
  std::vector<std::string> args = {xmllint, "--noout", "--nonet", "--schema", schema, doc.path()};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, xmllint.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return ::testing::AssertionFailure() << "cannot run " << xmllint;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  bool ok = false;
  const std::string output = ReadAll(out.path(), &ok);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "xmllint rejects the document:\n"
                                       << output << "\n--- document ---\n"
                                       << xml;
}

}  // namespace incasso::soap::testing
