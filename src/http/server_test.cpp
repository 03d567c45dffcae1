// Black-box tests of the HTTP server over loopback sockets (port 0, no sleeps).
#include "http/server.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "http/router.hpp"
#include "log/log.hpp"

namespace incasso::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using RawResponse = bhttp::response<bhttp::string_body>;

// Upper bound for any single client operation, so that a broken server fails a test instead of
// hanging it. Never reached by a passing test.
constexpr auto kDeadline = std::chrono::seconds(10);

// A blocking test client on its own io_context; every operation is bounded by kDeadline.
class Client {
 public:
  explicit Client(std::uint16_t port) {
    stream_.socket().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }

  void Write(std::string_view raw) {
    beast::error_code result;
    stream_.expires_after(kDeadline);
    asio::async_write(stream_, asio::buffer(raw.data(), raw.size()),
                      [&](beast::error_code ec, std::size_t) { result = ec; });
    Run();
    ASSERT_FALSE(result) << result.message();
  }

  // One response, or nullopt (with error() set) if the connection ended first.
  std::optional<RawResponse> Read(bool head = false) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.skip(head);
    parser.body_limit(16 << 20);
    stream_.expires_after(kDeadline);
    bhttp::async_read(stream_, buffer_, parser,
                      [&](beast::error_code ec, std::size_t) { error_ = ec; });
    Run();
    if (error_) return std::nullopt;
    return parser.release();
  }

  // Reads until the server closes the connection; returns the bytes received meanwhile. error() is
  // eof or connection_reset when the server closed, timeout if it did not.
  std::string ReadUntilClosed() {
    std::string received(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    buffer_.consume(buffer_.size());
    char chunk[4096];
    for (;;) {
      std::size_t n = 0;
      stream_.expires_after(kDeadline);
      stream_.async_read_some(asio::buffer(chunk), [&](beast::error_code ec, std::size_t k) {
        error_ = ec;
        n = k;
      });
      Run();
      received.append(chunk, n);
      if (error_) return received;
    }
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().close(ignored);
  }

  beast::error_code error() const { return error_; }
  bool ClosedByServer() const {
    return error_ == asio::error::eof || error_ == asio::error::connection_reset;
  }

 private:
  void Run() {
    ioc_.restart();
    ioc_.run();
  }

  asio::io_context ioc_;
  beast::tcp_stream stream_{ioc_};
  beast::flat_buffer buffer_;
  beast::error_code error_;
};

std::string Get(std::string_view path, std::string_view extra_headers = "") {
  return fmt::format("GET {} HTTP/1.1\r\nHost: test\r\n{}\r\n", path, extra_headers);
}

bool IsHex16(std::string_view s) {
  return s.size() == 16 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() {
    router_.Add("GET", "/hello", [](const Request&) {
      Response r = TextResponse(200, "hello");
      r.tenant = "tenant-1";
      return r;
    });
    router_.Add("GET", "/id", [](const Request& r) { return TextResponse(200, r.request_id); });
    router_.Add("POST", "/echo",
                [](const Request& r) { return TextResponse(200, std::to_string(r.body.size())); });
    router_.Add("GET", "/boom", [](const Request&) -> Response {
      throw std::runtime_error("secret-internal-detail");
    });
    router_.Add("GET", "/cache", [](const Request&) {
      Response r = JsonResponse(200, "{}");
      r.headers = {{"Cache-Control", "max-age=60"},
                   {"Content-Security-Policy", "default-src 'none'"},
                   {"X-Evil", "a\r\nInjected: yes"}};
      return r;
    });
    router_.Add("GET", "/block", [this](const Request&) {
      entered_.set_value();
      release_.wait();
      return TextResponse(200, "released");
    });
  }

  void SetUp() override {
    log::LogOptions options;
    options.sink = [this](std::string_view line) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.emplace_back(line);
      logged_.notify_all();
    };
    ASSERT_TRUE(log::InitLogging(options).ok());
  }

  void TearDown() override {
    server_.reset();
    log::LogOptions quiet;
    quiet.level = "off";
    ASSERT_TRUE(log::InitLogging(quiet).ok());
  }

  void Start(ServerOptions options = {}) {
    options.port = 0;
    options.threads = 2;
    auto server = StartServer(options, [this](const Request& r) { return router_.Handle(r); });
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(server).value();
  }

  // Stops the server, so that every access-log line has been written, and returns all lines.
  std::vector<std::string> StopAndCollectLog() {
    server_->Stop();
    server_->Wait();
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }

  // Waits (bounded by kDeadline) for a log line containing `needle`.
  bool WaitForLog(std::string_view needle) {
    std::unique_lock<std::mutex> lock(mu_);
    return logged_.wait_for(lock, kDeadline, [&] {
      for (const std::string& line : lines_) {
        if (line.find(needle) != std::string::npos) return true;
      }
      return false;
    });
  }

  Router router_;
  std::unique_ptr<Server> server_;
  std::promise<void> entered_;
  std::promise<void> release_promise_;
  std::shared_future<void> release_ = release_promise_.get_future().share();
  std::mutex mu_;
  std::condition_variable logged_;
  std::vector<std::string> lines_;
};

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  Start();
  Client client(server_->port());
  for (int i = 0; i < 2; ++i) {
    client.Write(Get("/hello"));
    auto res = client.Read();
    ASSERT_TRUE(res) << client.error().message();
    EXPECT_EQ(res->result_int(), 200);
    EXPECT_EQ(res->body(), "hello");
    EXPECT_TRUE(res->keep_alive());
    EXPECT_EQ((*res)[bhttp::field::content_type], "text/plain; charset=utf-8");
    EXPECT_FALSE((*res)[bhttp::field::date].empty());
  }
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  Start();
  Client client(server_->port());
  client.Write(Get("/id", "X-Request-Id: first\r\n") + Get("/hello") +
               Get("/id", "X-Request-Id: third\r\n"));
  auto a = client.Read();
  auto b = client.Read();
  auto c = client.Read();
  ASSERT_TRUE(a && b && c) << client.error().message();
  EXPECT_EQ(a->body(), "first");
  EXPECT_EQ(b->body(), "hello");
  EXPECT_EQ(c->body(), "third");
}

TEST_F(ServerTest, UnknownPathIs404AndWrongMethodIs405) {
  Start();
  Client client(server_->port());
  client.Write(Get("/nope"));
  auto res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 404);
  EXPECT_EQ((*res)[bhttp::field::content_type], "application/problem+json");
  auto problem = boost::json::parse(res->body()).as_object();
  EXPECT_EQ(problem.at("status").as_int64(), 404);
  EXPECT_EQ(problem.at("requestId").as_string(), (*res)["X-Request-Id"]);

  client.Write("DELETE /hello HTTP/1.1\r\nHost: test\r\n\r\n");
  res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 405);
  EXPECT_EQ((*res)[bhttp::field::allow], "GET, HEAD");
  EXPECT_TRUE(res->keep_alive());
}

TEST_F(ServerTest, RequestIdIsEchoedWhenValidElseGenerated) {
  Start();
  Client client(server_->port());
  client.Write(Get("/id", "X-Request-Id: abc-123.X_y\r\n"));
  auto res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ((*res)["X-Request-Id"], "abc-123.X_y");
  EXPECT_EQ(res->body(), "abc-123.X_y");  // the handler saw the same id

  std::vector<std::string> generated;
  for (std::string header :
       {std::string("X-Request-Id: bad id!\r\n"), "X-Request-Id: " + std::string(65, 'a') + "\r\n",
        std::string("X-Request-Id: \r\n"), std::string()}) {
    client.Write(Get("/id", header));
    res = client.Read();
    ASSERT_TRUE(res);
    const std::string id((*res)["X-Request-Id"]);
    EXPECT_TRUE(IsHex16(id)) << id;
    EXPECT_EQ(res->body(), id);
    generated.push_back(id);
  }
  for (std::size_t i = 1; i < generated.size(); ++i) EXPECT_NE(generated[i], generated[0]);

  client.Write(Get("/id", "X-Request-Id: " + std::string(64, 'z') + "\r\n"));
  res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ((*res)["X-Request-Id"], std::string(64, 'z'));
}

TEST_F(ServerTest, SecurityHeadersOnEveryResponseUnlessHandlerSetsItsOwn) {
  Start();
  Client client(server_->port());
  for (const char* path : {"/hello", "/nope"}) {
    client.Write(Get(path));
    auto res = client.Read();
    ASSERT_TRUE(res);
    EXPECT_EQ((*res)["X-Content-Type-Options"], "nosniff") << path;
    EXPECT_EQ((*res)["X-Frame-Options"], "DENY");
    EXPECT_EQ((*res)["Referrer-Policy"], "no-referrer");
    EXPECT_EQ((*res)["Content-Security-Policy"], "default-src 'self'; frame-ancestors 'none'");
    EXPECT_EQ((*res)["Cache-Control"], "no-store");
  }
  client.Write(Get("/cache"));
  auto res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ((*res)["Cache-Control"], "max-age=60");
  EXPECT_EQ((*res)["Content-Security-Policy"], "default-src 'none'");
  EXPECT_EQ((*res)["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ((*res)["Injected"], "");  // CR LF in a handler's header value cannot add a header
  EXPECT_EQ((*res)["X-Evil"], "a  Injected: yes");
}

TEST_F(ServerTest, HeadSendsLengthButNoBody) {
  Start();
  Client client(server_->port());
  client.Write("HEAD /hello HTTP/1.1\r\nHost: test\r\n\r\n");
  auto res = client.Read(/*head=*/true);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 200);
  EXPECT_EQ((*res)[bhttp::field::content_length], "5");
  // No body bytes were sent: the next response parses cleanly on the same connection.
  client.Write(Get("/id", "X-Request-Id: after-head\r\n"));
  res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body(), "after-head");
}

TEST_F(ServerTest, BodyOverLimitIs413AndConnectionCloses) {
  ServerOptions options;
  options.body_limit_bytes = 1024;
  Start(options);
  Client ok(server_->port());
  ok.Write("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 1024\r\n\r\n" +
           std::string(1024, 'x'));
  auto res = ok.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body(), "1024");

  Client client(server_->port());
  client.Write(
      "POST /echo HTTP/1.1\r\nHost: test\r\nX-Request-Id: big-1\r\nContent-Length: 4096\r\n\r\n" +
      std::string(4096, 'x'));
  res = client.Read();
  ASSERT_TRUE(res) << client.error().message();
  EXPECT_EQ(res->result_int(), 413);
  EXPECT_FALSE(res->keep_alive());
  EXPECT_EQ((*res)["X-Request-Id"], "big-1");
  EXPECT_EQ(boost::json::parse(res->body()).at("status").as_int64(), 413);
  client.ReadUntilClosed();
  EXPECT_TRUE(client.ClosedByServer()) << client.error().message();

  Client chunked(server_->port());
  const std::string chunk = "320\r\n" + std::string(800, 'x') + "\r\n";
  chunked.Write("POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk +
                chunk + chunk + "0\r\n\r\n");
  res = chunked.Read();
  ASSERT_TRUE(res) << chunked.error().message();
  EXPECT_EQ(res->result_int(), 413);
}

TEST_F(ServerTest, PerRouteBodyLimitIsChosenFromTheHeaderBeforeTheBody) {
  RouteOptions upload;
  upload.body_limit_bytes = 8192;
  upload.too_large = [](const Request& head, std::size_t limit) {
    return ProblemJson(413, "Too Large", "route limit " + std::to_string(limit) + " " + head.path,
                       head.request_id);
  };
  router_.Add(
      "POST", "/upload",
      [](const Request& r) { return TextResponse(200, std::to_string(r.body.size())); }, upload);
  ServerOptions options;
  options.body_limit_bytes = 1024;
  options.body_limit_for = [this](std::string_view method, std::string_view path) {
    return router_.BodyLimit(method, path);
  };
  options.body_too_large = [this](const Request& head, std::size_t limit) {
    return router_.BodyTooLarge(head, limit);
  };
  Start(options);

  // The upload route takes more than the default, up to its own limit.
  Client ok(server_->port());
  ok.Write("POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 8192\r\n\r\n" +
           std::string(8192, 'x'));
  auto res = ok.Read();
  ASSERT_TRUE(res) << ok.error().message();
  EXPECT_EQ(res->result_int(), 200);
  EXPECT_EQ(res->body(), "8192");

  // Other routes keep the default.
  Client other(server_->port());
  other.Write("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 2048\r\n\r\n" +
              std::string(2048, 'x'));
  res = other.Read();
  ASSERT_TRUE(res) << other.error().message();
  EXPECT_EQ(res->result_int(), 413);
  EXPECT_NE(res->body().find("1024 bytes"), std::string::npos) << res->body();

  // Over the route's limit: 413 naming it, answered from the header (no 100 Continue, no body
  // read), and a chunked body is cut at the same limit.
  Client big(server_->port());
  big.Write(
      "POST /upload HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: "
      "8193\r\n\r\n");
  res = big.Read();
  ASSERT_TRUE(res) << big.error().message();
  EXPECT_EQ(res->result_int(), 413);
  EXPECT_EQ((*res)[bhttp::field::content_type], "application/problem+json");
  EXPECT_NE(res->body().find("route limit 8192 /upload"), std::string::npos) << res->body();

  Client chunked(server_->port());
  const std::string chunk = "1000\r\n" + std::string(4096, 'x') + "\r\n";
  chunked.Write("POST /upload HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n" +
                chunk + chunk + chunk + "0\r\n\r\n");
  res = chunked.Read();
  ASSERT_TRUE(res) << chunked.error().message();
  EXPECT_EQ(res->result_int(), 413);
}

TEST_F(ServerTest, ExpectContinueGetsAnInterimResponse) {
  Start();
  Client client(server_->port());
  client.Write(
      "POST /echo HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  auto interim = client.Read();
  ASSERT_TRUE(interim) << client.error().message();
  EXPECT_EQ(interim->result_int(), 100);
  client.Write("12345");
  auto res = client.Read();
  ASSERT_TRUE(res) << client.error().message();
  EXPECT_EQ(res->result_int(), 200);
  EXPECT_EQ(res->body(), "5");
}

TEST_F(ServerTest, HeaderOverLimitIs431) {
  ServerOptions options;
  options.header_limit_bytes = 2048;
  Start(options);
  Client client(server_->port());
  client.Write(Get("/hello", "X-Filler: " + std::string(4096, 'f') + "\r\n"));
  auto res = client.Read();
  ASSERT_TRUE(res) << client.error().message();
  EXPECT_EQ(res->result_int(), 431);
  EXPECT_TRUE(IsHex16((*res)["X-Request-Id"]));
  client.ReadUntilClosed();
  EXPECT_TRUE(client.ClosedByServer());
}

TEST_F(ServerTest, MalformedRequestIs400) {
  Start();
  Client client(server_->port());
  client.Write("GET /hello HTTP/1.1\r\nBad Header Line\r\n\r\n");
  auto res = client.Read();
  ASSERT_TRUE(res) << client.error().message();
  EXPECT_EQ(res->result_int(), 400);
  EXPECT_EQ((*res)[bhttp::field::content_type], "application/problem+json");
}

TEST_F(ServerTest, SlowClientIsDisconnectedAfterReadTimeout) {
  ServerOptions options;
  options.read_timeout = std::chrono::milliseconds(200);
  options.idle_timeout = std::chrono::seconds(60);
  Start(options);
  Client client(server_->port());
  client.Write("GET /hello HTTP/1.1\r\nHost: te");  // and then nothing
  // Closed by the 200 ms read timeout, long before the client's own deadline.
  EXPECT_EQ(client.ReadUntilClosed(), "");
  EXPECT_TRUE(client.ClosedByServer()) << client.error().message();
}

TEST_F(ServerTest, HandlerExceptionIs500WithoutInternalDetail) {
  Start();
  Client client(server_->port());
  client.Write(Get("/boom", "X-Request-Id: rid-boom\r\n"));
  auto res = client.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 500);
  EXPECT_EQ(res->body().find("secret-internal-detail"), std::string::npos);
  auto problem = boost::json::parse(res->body()).as_object();
  EXPECT_EQ(problem.at("requestId").as_string(), "rid-boom");
  EXPECT_TRUE(res->keep_alive());

  bool detail_logged = false;
  for (const std::string& line : StopAndCollectLog()) {
    auto o = boost::json::parse(line).as_object();
    if (o.at("msg").as_string() == "http_handler_exception") {
      detail_logged = o.at("error").as_string() == "secret-internal-detail" &&
                      o.at("request_id").as_string() == "rid-boom";
    }
  }
  EXPECT_TRUE(detail_logged);
}

TEST_F(ServerTest, AccessLogHasOneLinePerRequestWithoutQueryString) {
  Start();
  Client client(server_->port());
  client.Write(Get("/hello?fiscalCode=RSSMRA80A01H501U", "X-Request-Id: rid-log\r\n"));
  ASSERT_TRUE(client.Read());
  client.Write(Get("/nope"));
  ASSERT_TRUE(client.Read());

  std::vector<boost::json::object> access;
  for (const std::string& line : StopAndCollectLog()) {
    EXPECT_EQ(line.find("RSSMRA"), std::string::npos) << line;
    auto o = boost::json::parse(line).as_object();
    if (o.at("msg").as_string() == "access") access.push_back(o);
  }
  ASSERT_EQ(access.size(), 2u);
  const auto& a = access[0];
  EXPECT_EQ(a.at("request_id").as_string(), "rid-log");
  EXPECT_EQ(a.at("remote").as_string(), "127.0.0.1");
  EXPECT_EQ(a.at("method").as_string(), "GET");
  EXPECT_EQ(a.at("path").as_string(), "/hello");
  EXPECT_EQ(a.at("status").as_int64(), 200);
  EXPECT_EQ(a.at("bytes").as_int64(), 5);
  EXPECT_EQ(a.at("tenant").as_string(), "tenant-1");
  EXPECT_TRUE(a.at("duration_ms").is_number());
  EXPECT_FALSE(a.at("time").as_string().empty());
  EXPECT_EQ(access[1].at("status").as_int64(), 404);
  EXPECT_EQ(access[1].at("tenant").as_string(), "");
}

TEST_F(ServerTest, StopClosesIdleKeepAliveConnectionsWithinGrace) {
  ServerOptions options;
  options.idle_timeout = std::chrono::seconds(60);
  options.shutdown_grace = std::chrono::seconds(30);
  Start(options);
  Client idle(server_->port());
  idle.Write(Get("/hello"));
  ASSERT_TRUE(idle.Read());
  Client fresh(server_->port());  // connected, never sent a byte

  const auto start = std::chrono::steady_clock::now();
  server_->Stop();
  server_->Wait();
  // The contract: Stop()+Wait() do not wait out the grace for connections with nothing in flight.
  EXPECT_LT(std::chrono::steady_clock::now() - start, options.shutdown_grace);
  idle.ReadUntilClosed();
  EXPECT_TRUE(idle.ClosedByServer()) << idle.error().message();
  fresh.ReadUntilClosed();
  EXPECT_TRUE(fresh.ClosedByServer()) << fresh.error().message();
  EXPECT_THROW(Client(server_->port()), boost::system::system_error);  // no longer listening
}

TEST_F(ServerTest, StopLetsAnInFlightRequestFinish) {
  ServerOptions options;
  options.shutdown_grace = std::chrono::seconds(30);
  Start(options);
  Client client(server_->port());
  client.Write(Get("/block"));
  ASSERT_EQ(entered_.get_future().wait_for(kDeadline), std::future_status::ready);
  server_->Stop();  // returns at once; the handler is still running
  release_promise_.set_value();
  auto res = client.Read();
  ASSERT_TRUE(res) << client.error().message();
  EXPECT_EQ(res->result_int(), 200);
  EXPECT_EQ(res->body(), "released");
  client.ReadUntilClosed();
  EXPECT_TRUE(client.ClosedByServer()) << client.error().message();
  client.Close();  // ends the server's lingering close at once
  server_->Wait();
}

TEST_F(ServerTest, StopClosesAConnectionStillBusyAfterGrace) {
  ServerOptions options;
  options.shutdown_grace = std::chrono::milliseconds(100);
  Start(options);
  Client client(server_->port());
  client.Write(Get("/block"));
  ASSERT_EQ(entered_.get_future().wait_for(kDeadline), std::future_status::ready);
  server_->Stop();
  ASSERT_TRUE(WaitForLog("http_shutdown_grace_expired"));
  release_promise_.set_value();  // a running handler is never interrupted, only its connection
  server_->Wait();
  client.ReadUntilClosed();
  EXPECT_TRUE(client.ClosedByServer()) << client.error().message();
}

TEST_F(ServerTest, StopDoesNotWaitForAPartialRequestBeyondGrace) {
  ServerOptions options;
  options.read_timeout = std::chrono::seconds(60);
  options.shutdown_grace = std::chrono::milliseconds(200);
  Start(options);
  Client client(server_->port());
  client.Write("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\nonly part");
  server_->Stop();
  server_->Wait();
  client.ReadUntilClosed();
  EXPECT_TRUE(client.ClosedByServer()) << client.error().message();
}

TEST_F(ServerTest, ConnectionsOverTheCapGet503) {
  ServerOptions options;
  options.max_connections = 1;
  Start(options);
  Client first(server_->port());
  first.Write(Get("/hello"));
  ASSERT_TRUE(first.Read());  // the first connection is now being served

  Client second(server_->port());
  auto res = second.Read();
  ASSERT_TRUE(res) << second.error().message();
  EXPECT_EQ(res->result_int(), 503);
  EXPECT_EQ((*res)[bhttp::field::retry_after], "1");
  EXPECT_FALSE(res->keep_alive());
  second.ReadUntilClosed();
  EXPECT_TRUE(second.ClosedByServer());

  first.Write(Get("/hello"));  // the served connection is unaffected
  res = first.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 200);
}

TEST_F(ServerTest, PortInUseIsAClearError) {
  Start();
  ServerOptions options;
  options.port = server_->port();
  auto second = StartServer(options, [](const Request&) { return TextResponse(200, ""); });
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().message,
            fmt::format("cannot listen on 127.0.0.1:{}: address already in use", server_->port()));
}

TEST_F(ServerTest, InvalidOptionsAreRejected) {
  ServerOptions options;
  options.port = 0;
  options.threads = -1;
  auto server = StartServer(options, [](const Request&) { return TextResponse(200, ""); });
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.error().field, "http.threads");
  options.threads = 1;
  EXPECT_FALSE(StartServer(options, nullptr).ok());
}

}  // namespace
}  // namespace incasso::http
