// The HTTP client; besides server.cpp the only translation unit that compiles Beast and Asio.
//
// Model: each call owns an io_context that only this thread runs. Resolution is bounded with
// run_until(); connect, write and read with the tcp_stream's own expiry, so a silent peer can
// never block a caller for longer than the request's timeouts.
#include "http/client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>
#include <string>

namespace incasso::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool HasControlChars(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

std::string ErrorText(const beast::error_code& ec) {
  std::string text = ec.message();
  if (!text.empty()) {
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  }
  return text;
}

struct Target {
  std::string host;       // for the resolver: no brackets around an IPv6 address
  std::string port;       // service for the resolver
  std::string authority;  // Host header value: host[:port] as written in the URL
  std::string path;       // origin-form request-target: path (at least "/") and query
};

Result<Target> ParseUrl(std::string_view text) {
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) {
    return InvalidArgument("url", fmt::format("\"{}\" is not an absolute URL", text));
  }
  const boost::urls::url_view& url = *parsed;
  if (EqualsIgnoreCase(url.scheme(), "https")) {
    return InvalidArgument("url",
                           "https is not supported: the simulator's client speaks plain "
                           "HTTP only (use an http:// URL)");
  }
  if (!EqualsIgnoreCase(url.scheme(), "http")) {
    return InvalidArgument("url", fmt::format("unsupported scheme \"{}\": use an http:// URL",
                                              std::string_view(url.scheme())));
  }
  if (url.has_userinfo()) return InvalidArgument("url", "credentials in the URL are not supported");
  Target t;
  if (url.host_type() == boost::urls::host_type::ipv6) {
    t.host = url.host_ipv6_address().to_string();
  } else {
    t.host = url.host();
  }
  if (t.host.empty()) return InvalidArgument("url", "the URL has no host");
  t.port = url.has_port() ? std::string(url.port()) : "80";
  if (t.port.empty()) t.port = "80";
  t.authority = url.encoded_host_and_port();
  t.path = url.encoded_path();
  if (t.path.empty()) t.path = "/";
  if (url.has_query()) t.path += "?" + std::string(url.encoded_query());
  if (HasControlChars(t.path) || HasControlChars(t.authority)) {
    return InvalidArgument("url", "the URL contains control characters");
  }
  return t;
}

Error Timeout(const ClientRequest& request, std::string_view during) {
  return Unavailable(fmt::format(
      "timed out {} after {} ms", during,
      during == "connecting" ? request.connect_timeout.count() : request.timeout.count()));
}

}  // namespace

std::string ClientResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return {};
}

Result<ClientResponse> HttpCall(const ClientRequest& request) {
  auto target = ParseUrl(request.url);
  if (!target.ok()) return target.error();
  if (request.method.empty() || HasControlChars(request.method) ||
      request.method.find(' ') != std::string::npos) {
    return InvalidArgument("method", "invalid HTTP method");
  }
  for (const auto& [name, value] : request.headers) {
    if (name.empty() || HasControlChars(name) || HasControlChars(value) ||
        name.find(':') != std::string::npos) {
      return InvalidArgument("headers", fmt::format("invalid header \"{}\"", name));
    }
  }

  const auto start = SteadyClock::now();
  const auto deadline = start + request.timeout;
  const auto connect_deadline = std::min(deadline, start + request.connect_timeout);
  const std::string where = fmt::format("{}:{}", target->host, target->port);

  asio::io_context ioc;
  beast::error_code ec;

  // Resolve.
  tcp::resolver resolver(ioc);
  tcp::resolver::results_type endpoints;
  bool resolved = false;
  resolver.async_resolve(target->host, target->port,
                         [&](const beast::error_code& e, tcp::resolver::results_type r) {
                           ec = e;
                           endpoints = std::move(r);
                           resolved = true;
                         });
  ioc.run_until(connect_deadline);
  if (!resolved) {
    resolver.cancel();
    ioc.restart();
    ioc.run();
    return Timeout(request, "connecting");
  }
  if (ec) {
    return Unavailable(fmt::format("cannot resolve {}: {}", target->host, ErrorText(ec)));
  }

  // Connect.
  beast::tcp_stream stream(ioc);
  stream.expires_at(connect_deadline);
  stream.async_connect(endpoints,
                       [&](const beast::error_code& e, const tcp::endpoint&) { ec = e; });
  ioc.restart();
  ioc.run();
  if (ec == beast::error::timeout) return Timeout(request, "connecting");
  if (ec) return Unavailable(fmt::format("cannot connect to {}: {}", where, ErrorText(ec)));

  // Write.
  bhttp::request<bhttp::string_body> req;
  req.version(11);
  req.method_string(request.method);
  req.target(target->path);
  req.set(bhttp::field::host, target->authority);
  req.set(bhttp::field::user_agent, "incasso");
  for (const auto& [name, value] : request.headers) {
    if (EqualsIgnoreCase(name, "host") || EqualsIgnoreCase(name, "content-length") ||
        EqualsIgnoreCase(name, "connection") || EqualsIgnoreCase(name, "transfer-encoding")) {
      continue;
    }
    req.set(name, value);
  }
  req.set(bhttp::field::connection, "close");
  req.body() = request.body;
  const bool has_body_semantics = request.method == "POST" || request.method == "PUT" ||
                                  request.method == "PATCH" || !request.body.empty();
  if (has_body_semantics) req.content_length(request.body.size());

  stream.expires_at(deadline);
  bhttp::async_write(stream, req, [&](const beast::error_code& e, std::size_t) { ec = e; });
  ioc.restart();
  ioc.run();
  if (ec == beast::error::timeout) return Timeout(request, "sending the request");
  if (ec)
    return Unavailable(fmt::format("cannot send the request to {}: {}", where, ErrorText(ec)));

  // Read.
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(request.max_response_bytes);
  parser.header_limit(64 * 1024);
  parser.skip(request.method == "HEAD");
  beast::flat_buffer buffer;
  bhttp::async_read(stream, buffer, parser,
                    [&](const beast::error_code& e, std::size_t) { ec = e; });
  ioc.restart();
  ioc.run();
  if (ec == beast::error::timeout) return Timeout(request, "waiting for the response");
  if (ec == bhttp::error::body_limit) {
    return Unavailable(fmt::format("response from {} too large (over {} bytes)", where,
                                   request.max_response_bytes));
  }
  if (ec) {
    return Unavailable(fmt::format("cannot read the response from {}: {}", where, ErrorText(ec)));
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);

  auto res = parser.release();
  ClientResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    out.headers.emplace_back(ToLower(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(res.body());
  return out;
}

}  // namespace incasso::http
