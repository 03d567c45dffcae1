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
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>
#include <optional>
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
  bool tls = false;
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
  Target t;
  if (EqualsIgnoreCase(url.scheme(), "https")) {
    t.tls = true;
  } else if (!EqualsIgnoreCase(url.scheme(), "http")) {
    return InvalidArgument(
        "url", fmt::format("unsupported scheme \"{}\": use an http:// or https:// URL",
                           std::string_view(url.scheme())));
  }
  if (url.has_userinfo()) return InvalidArgument("url", "credentials in the URL are not supported");
  if (url.host_type() == boost::urls::host_type::ipv6) {
    t.host = url.host_ipv6_address().to_string();
  } else {
    t.host = url.host();
  }
  if (t.host.empty()) return InvalidArgument("url", "the URL has no host");
  const char* default_port = t.tls ? "443" : "80";
  t.port = url.has_port() ? std::string(url.port()) : default_port;
  if (t.port.empty()) t.port = default_port;
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

// Sends the request and reads the response over a connected (plain or TLS) stream.
template <class Stream>
Result<ClientResponse> Exchange(asio::io_context& ioc, Stream& stream, const ClientRequest& request,
                                const Target& target, SteadyClock::time_point deadline,
                                const std::string& where) {
  beast::error_code ec;
  // Write.
  bhttp::request<bhttp::string_body> req;
  req.version(11);
  req.method_string(request.method);
  req.target(target.path);
  req.set(bhttp::field::host, target.authority);
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

  beast::get_lowest_layer(stream).expires_at(deadline);
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
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);

  auto res = parser.release();
  ClientResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    out.headers.emplace_back(ToLower(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(res.body());
  return out;
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

  // TLS: the peer must present a certificate chaining to a trusted root (the system's, or
  // request.ca_file) and naming the host of the URL; TLS 1.2 at least.
  namespace ssl = asio::ssl;
  std::optional<ssl::context> tls;
  if (target->tls) {
    beast::error_code tls_ec;
    tls.emplace(ssl::context::tls_client);
    tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    tls->set_verify_mode(ssl::verify_peer);
    if (request.ca_file.empty()) {
      tls->set_default_verify_paths(tls_ec);
    } else {
      tls->load_verify_file(request.ca_file, tls_ec);
    }
    if (tls_ec) {
      return Unavailable(
          fmt::format("cannot load the trusted certificates: {}", ErrorText(tls_ec)));
    }
    tls->set_verify_callback(ssl::host_name_verification(target->host));
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

  if (!target->tls) return Exchange(ioc, stream, request, *target, deadline, where);

  beast::ssl_stream<beast::tcp_stream> secure(std::move(stream), *tls);
  if (!SSL_set_tlsext_host_name(secure.native_handle(), target->host.c_str())) {
    return Unavailable(fmt::format("cannot set the TLS server name {}", target->host));
  }
  beast::get_lowest_layer(secure).expires_at(deadline);
  secure.async_handshake(ssl::stream_base::client, [&](const beast::error_code& e) { ec = e; });
  ioc.restart();
  ioc.run();
  if (ec == beast::error::timeout) return Timeout(request, "in the TLS handshake");
  if (ec) {
    return Unavailable(fmt::format("TLS handshake with {} failed: {}", where, ErrorText(ec)));
  }
  return Exchange(ioc, secure, request, *target, deadline, where);
}

}  // namespace incasso::http
