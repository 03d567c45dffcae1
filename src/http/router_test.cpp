#include "http/router.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "http/message.hpp"

namespace incasso::http {
namespace {

Request MakeRequest(std::string method, std::string_view target) {
  Request r;
  r.method = std::move(method);
  r.request_id = "req-1";
  Status s = SetTarget(target, r);
  EXPECT_TRUE(s.ok()) << target;
  return r;
}

std::string HeaderOf(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

Handler Echo(std::string tag) {
  return [tag](const Request& r) {
    std::string body = tag;
    for (const auto& [k, v] : r.path_params) body += " " + k + "=" + v;
    return TextResponse(200, body);
  };
}

TEST(MessageTest, SetTargetDecodesPathAndQuery) {
  Request r;
  ASSERT_TRUE(SetTarget("/a/b%20c/%C3%A8?x=1&y=a+b%26c&x=2&flag", r).ok());
  EXPECT_EQ(r.target, "/a/b%20c/%C3%A8?x=1&y=a+b%26c&x=2&flag");
  EXPECT_EQ(r.path, "/a/b c/\xc3\xa8");
  EXPECT_EQ(r.query.at("x"), "1");  // first value wins
  EXPECT_EQ(r.query.at("y"), "a b&c");
  EXPECT_EQ(r.query.at("flag"), "");
}

TEST(MessageTest, SetTargetRejectsNonOriginFormAndEncodedSlash) {
  Request r;
  EXPECT_FALSE(SetTarget("http://example.com/a", r).ok());
  EXPECT_FALSE(SetTarget("*", r).ok());
  EXPECT_FALSE(SetTarget("/a%2Fb", r).ok());
  EXPECT_FALSE(SetTarget("/a%2fb", r).ok());
  EXPECT_FALSE(SetTarget("/a%00b", r).ok());
  EXPECT_FALSE(SetTarget("/a b", r).ok());
}

TEST(MessageTest, HeaderLookupIgnoresCase) {
  Request r;
  r.headers = {{"x-request-id", "abc"}, {"accept", "a"}, {"accept", "b"}};
  EXPECT_EQ(r.Header("X-Request-ID"), "abc");
  EXPECT_EQ(r.Header("Accept"), "a");
  EXPECT_EQ(r.Header("missing"), "");
}

TEST(MessageTest, ProblemJsonCarriesTitleStatusDetailAndRequestId) {
  Response r = ProblemJson(404, "Not Found", "no \"such\" thing", "req-9");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_EQ(
      r.body,
      R"({"title":"Not Found","status":404,"detail":"no \"such\" thing","requestId":"req-9"})");
  EXPECT_EQ(ProblemJson(500, "t", "d", "").body.find("requestId"), std::string::npos);
}

TEST(RouterTest, MatchesLiteralAndParameterSegments) {
  Router router;
  router.Add("GET", "/api/v1/organizations/{fiscalCode}/debtpositions/{iupd}", Echo("get"));
  router.Add("POST", "/api/v1/organizations/{fiscalCode}/debtpositions", Echo("create"));
  Response r = router.Handle(
      MakeRequest("GET", "/api/v1/organizations/77777777777/debtpositions/IUPD%201?x=1"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "get fiscalCode=77777777777 iupd=IUPD 1");
  r = router.Handle(MakeRequest("POST", "/api/v1/organizations/77777777777/debtpositions"));
  EXPECT_EQ(r.body, "create fiscalCode=77777777777");
}

TEST(RouterTest, UnknownPathIs404ProblemJson) {
  Router router;
  router.Add("GET", "/a/{id}", Echo("a"));
  for (const char* target : {"/b", "/a", "/a/", "/a/1/2", "/"}) {
    Response r = router.Handle(MakeRequest("GET", target));
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(r.content_type, "application/problem+json");
    EXPECT_NE(r.body.find("\"requestId\":\"req-1\""), std::string::npos);
  }
}

TEST(RouterTest, KnownPathWithOtherMethodIs405WithAllow) {
  Router router;
  router.Add("GET", "/a/{id}", Echo("get"));
  router.Add("DELETE", "/a/{id}", Echo("delete"));
  router.Add("POST", "/a/special", Echo("special"));
  Response r = router.Handle(MakeRequest("PUT", "/a/1"));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(HeaderOf(r, "Allow"), "DELETE, GET, HEAD");
  r = router.Handle(MakeRequest("PUT", "/a/special"));
  EXPECT_EQ(HeaderOf(r, "Allow"), "DELETE, GET, HEAD, POST");
}

TEST(RouterTest, HeadRunsGetWithoutBody) {
  Router router;
  router.Add("GET", "/a", [](const Request&) { return TextResponse(200, "hello"); });
  Response r = router.Handle(MakeRequest("HEAD", "/a"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(HeaderOf(r, "Content-Length"), "5");
  EXPECT_EQ(r.content_type, "text/plain; charset=utf-8");
}

TEST(RouterTest, LiteralBeatsParameterAndMethodFallsBackToLessSpecificRoute) {
  Router router;
  router.Add("GET", "/orgs/{id}", Echo("byid"));
  router.Add("GET", "/orgs/search", Echo("search"));
  router.Add("POST", "/orgs/{id}/x", Echo("x-param"));
  router.Add("GET", "/orgs/search/x", Echo("x-literal"));
  EXPECT_EQ(router.Handle(MakeRequest("GET", "/orgs/search")).body, "search");
  EXPECT_EQ(router.Handle(MakeRequest("GET", "/orgs/42")).body, "byid id=42");
  EXPECT_EQ(router.Handle(MakeRequest("POST", "/orgs/search/x")).body, "x-param id=search");
}

TEST(RouterTest, RejectsMalformedAndDuplicatePatterns) {
  Router router;
  EXPECT_THROW(router.Add("GET", "a", Echo("")), std::invalid_argument);
  EXPECT_THROW(router.Add("GET", "/a/{}", Echo("")), std::invalid_argument);
  EXPECT_THROW(router.Add("GET", "/a/{x", Echo("")), std::invalid_argument);
  EXPECT_THROW(router.Add("GET", "/a/x{y}", Echo("")), std::invalid_argument);
  router.Add("GET", "/a/{x}", Echo(""));
  EXPECT_THROW(router.Add("GET", "/a/{y}", Echo("")), std::invalid_argument);
  router.Add("POST", "/a/{y}", Echo(""));  // another method is fine
}

TEST(RouterTest, ParameterWithSuffixMatchesItsExtensionOnly) {
  Router router;
  router.Add("GET", "/r/{id}", Echo("json"));
  router.Add("GET", "/r/{id}.xml", Echo("xml"));
  router.Add("GET", "/r/{id}.pdf", Echo("pdf"));
  EXPECT_EQ(router.Handle(MakeRequest("GET", "/r/42.xml")).body, "xml id=42");
  EXPECT_EQ(router.Handle(MakeRequest("GET", "/r/42.pdf")).body, "pdf id=42");
  EXPECT_EQ(router.Handle(MakeRequest("GET", "/r/42")).body, "json id=42");
  EXPECT_EQ(router.Handle(MakeRequest("GET", "/r/42.csv")).body, "json id=42.csv");
  EXPECT_EQ(router.Handle(MakeRequest("GET", "/r/.xml")).body, "json id=.xml");  // empty id
  EXPECT_THROW(router.Add("GET", "/r/{x}.xml", Echo("")), std::invalid_argument);
  EXPECT_THROW(router.Add("GET", "/r/{x}.{y}", Echo("")), std::invalid_argument);
}

TEST(RouterTest, BodyLimitIsThatOfTheRouteThatWouldRun) {
  Router router;
  RouteOptions upload;
  upload.body_limit_bytes = 1 << 20;
  router.Add("POST", "/orgs/{id}/imports", Echo("upload"), upload);
  router.Add("POST", "/orgs/{id}/other", Echo("other"));
  router.Add("GET", "/orgs/{id}/imports", Echo("list"));
  EXPECT_EQ(router.BodyLimit("POST", "/orgs/7/imports"), std::optional<std::size_t>(1 << 20));
  EXPECT_EQ(router.BodyLimit("POST", "/orgs/7/other"), std::nullopt);      // server default
  EXPECT_EQ(router.BodyLimit("GET", "/orgs/7/imports"), std::nullopt);     // other method
  EXPECT_EQ(router.BodyLimit("PUT", "/orgs/7/imports"), std::nullopt);     // 405 route
  EXPECT_EQ(router.BodyLimit("POST", "/orgs/7/imports/x"), std::nullopt);  // 404
  EXPECT_EQ(router.BodyLimit("POST", ""), std::nullopt);
  EXPECT_EQ(router.Handle(MakeRequest("POST", "/orgs/7/imports")).body, "upload id=7");
}

TEST(RouterTest, HandlerExceptionsPropagate) {
  Router router;
  router.Add("GET", "/boom", [](const Request&) -> Response { throw std::runtime_error("x"); });
  EXPECT_THROW(router.Handle(MakeRequest("GET", "/boom")), std::runtime_error);
}

}  // namespace
}  // namespace incasso::http
