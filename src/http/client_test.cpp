// The HTTP client against the project's own server on port 0 (hermetic, no sleeps).
#include "http/client.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>

#include "http/router.hpp"
#include "http/server.hpp"

namespace incasso::http {
namespace {

std::unique_ptr<Server> Start(Handler handler) {
  ServerOptions options;
  options.port = 0;
  options.threads = 2;
  options.shutdown_grace = std::chrono::milliseconds(200);
  auto server = StartServer(options, std::move(handler));
  EXPECT_TRUE(server.ok()) << server.error().ToText();
  return std::move(server).value();
}

std::string UrlOf(const Server& server, std::string_view path) {
  return "http://127.0.0.1:" + std::to_string(server.port()) + std::string(path);
}

TEST(HttpClientTest, GetSendsPathQueryAndHeaders) {
  auto server = Start([](const Request& r) {
    Response res = TextResponse(200, r.method + " " + r.path + " q=" + r.query.at("q") +
                                         " x=" + r.Header("X-Test") + " host=" + r.Header("Host"));
    res.headers.emplace_back("X-Answer", "42");
    return res;
  });
  ClientRequest req;
  req.url = UrlOf(*server, "/a/b%20c?q=uno%20due");
  req.headers = {{"X-Test", "hello"}};
  auto res = HttpCall(req);
  ASSERT_TRUE(res.ok()) << res.error().ToText();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body,
            "GET /a/b c q=uno due x=hello host=127.0.0.1:" + std::to_string(server->port()));
  EXPECT_EQ(res->Header("x-answer"), "42");
  EXPECT_EQ(res->Header("X-ANSWER"), "42");
  EXPECT_EQ(res->Header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(res->Header("missing"), "");
}

TEST(HttpClientTest, PostSendsBodyAndReturnsAnyStatus) {
  auto server = Start([](const Request& r) {
    return TextResponse(r.body.empty() ? 400 : 201,
                        "got " + r.body + " as " + r.Header("content-type"));
  });
  ClientRequest req;
  req.method = "POST";
  req.url = UrlOf(*server, "/items");
  req.headers = {{"Content-Type", "text/xml"}};
  req.body = std::string(100000, 'x');
  auto res = HttpCall(req);
  ASSERT_TRUE(res.ok()) << res.error().ToText();
  EXPECT_EQ(res->status, 201);
  EXPECT_EQ(res->body, "got " + req.body + " as text/xml");

  req.body.clear();
  res = HttpCall(req);
  ASSERT_TRUE(res.ok()) << res.error().ToText();
  EXPECT_EQ(res->status, 400);  // an HTTP error status is a response, not an Error
}

TEST(HttpClientTest, UnknownPathIs404FromRouter) {
  Router router;
  router.Add("GET", "/x", [](const Request&) { return TextResponse(200, "x"); });
  auto server = Start([&router](const Request& r) { return router.Handle(r); });
  ClientRequest req;
  req.url = UrlOf(*server, "/nope");
  auto res = HttpCall(req);
  ASSERT_TRUE(res.ok()) << res.error().ToText();
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(res->Header("content-type"), "application/problem+json");

  req.method = "HEAD";
  req.url = UrlOf(*server, "/x");
  res = HttpCall(req);
  ASSERT_TRUE(res.ok()) << res.error().ToText();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "");
}

TEST(HttpClientTest, RefusesMalformedUrls) {
  for (const char* url : {"ftp://example.org/", "not a url", "/relative", "http:///nohost",
                          "http://user:pw@127.0.0.1/", "https://user:pw@127.0.0.1/"}) {
    ClientRequest req;
    req.url = url;
    auto res = HttpCall(req);
    ASSERT_FALSE(res.ok()) << url;
    EXPECT_EQ(res.error().code, ErrorCode::kInvalidArgument) << url;
    EXPECT_EQ(res.error().field, "url") << url;
  }
}

TEST(HttpClientTest, RefusesHeaderInjection) {
  ClientRequest req;
  req.url = "http://127.0.0.1:1/";
  req.headers = {{"X-Evil", "a\r\nX-Injected: 1"}};
  auto res = HttpCall(req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, ErrorCode::kInvalidArgument);
}

TEST(HttpClientTest, ConnectionRefusedIsUnavailable) {
  std::uint16_t port = 0;
  {
    auto server = Start([](const Request&) { return TextResponse(200, "ok"); });
    port = server->port();
  }  // stopped: nothing listens on the port any more
  ClientRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  auto res = HttpCall(req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(res.error().message.find("cannot connect"), std::string::npos) << res.error().message;
}

TEST(HttpClientTest, SilentServerTimesOut) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto server = Start([released](const Request&) {
    released.wait();
    return TextResponse(200, "late");
  });
  ClientRequest req;
  req.url = UrlOf(*server, "/slow");
  req.timeout = std::chrono::milliseconds(200);
  auto res = HttpCall(req);
  release.set_value();
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(res.error().message.find("timed out"), std::string::npos) << res.error().message;
}

TEST(HttpClientTest, ResponseLargerThanLimitIsRefused) {
  auto server = Start([](const Request&) { return TextResponse(200, std::string(5000, 'y')); });
  ClientRequest req;
  req.url = UrlOf(*server, "/big");
  req.max_response_bytes = 1000;
  auto res = HttpCall(req);
  ASSERT_FALSE(res.ok());
  EXPECT_NE(res.error().message.find("too large"), std::string::npos) << res.error().message;
}

}  // namespace
}  // namespace incasso::http
