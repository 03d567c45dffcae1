// The only translation unit of incasso that compiles Beast and Asio.
//
// Model: one io_context run by a pool of threads; each connection is a Session on its own strand
// that reads one request, runs the handler synchronously, writes the response, and only then
// reads the next one. Pipelined requests therefore wait in the session's bounded read buffer and
// are answered in order, one in flight per connection. Sessions only do I/O; building the Request
// and calling the Handler is the pure part.
#include "http/server.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <limits>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "log/log.hpp"

namespace incasso::http {

Server::~Server() = default;

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using log::Field;
using log::Level;
using log::LogEvent;

constexpr std::size_t kFirstReadBytes = 16 * 1024;
// Read-buffer room beyond the header limit: the parser moves body bytes out of the buffer, so only
// a partial header plus one read (Beast reads at most 64 KiB at a time) ever sits in it.
constexpr std::size_t kReadBufferSlack = 128 * 1024;
// After a response with Connection: close we half-close and discard what the client still sends for
// at most this long, so that unread request bytes do not turn our close into a reset that destroys
// the response before the client reads it.
constexpr std::chrono::milliseconds kMaxLinger{1000};
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};

bool IsRequestIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}", rng());
}

// The client's id if it is safe to echo and log, else a fresh one.
std::string ChooseRequestId(std::string_view client_id) {
  if (!client_id.empty() && client_id.size() <= 64 &&
      std::all_of(client_id.begin(), client_id.end(), IsRequestIdChar)) {
    return std::string(client_id);
  }
  return NewRequestId();
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsTokenChar(char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Handler-supplied header values must not be able to inject headers or split the response.
std::string SanitizeHeaderValue(std::string_view value) {
  std::string out(value);
  for (char& c : out) {
    if (c == '\r' || c == '\n' || c == '\0') c = ' ';
  }
  return out;
}

// RFC 9110 IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
std::string HttpDate() {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return fmt::format("{}, {:02d} {} {:04d} {:02d}:{:02d}:{:02d} GMT", kDays[tm.tm_wday], tm.tm_mday,
                     kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string EndpointText(const std::string& host, std::uint16_t port) {
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

std::string ErrorText(const boost::system::error_code& ec) {
  std::string text = ec.message();
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] + 32);
  return text;
}

bool IsHttpProtocolError(const beast::error_code& ec) {
  return &ec.category() == &bhttp::make_error_code(bhttp::error::bad_method).category();
}

class ServerImpl;

// One connection. All members are touched only on the session's strand, except through
// Shutdown()/ForceClose(), which post onto it.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ServerImpl& server, tcp::socket socket, std::string remote, bool reject);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void Start();
  void Shutdown();    // graceful: close now if idle, else after the response in progress
  void ForceClose();  // close now

 private:
  enum class State { kIdle, kReading, kWriting, kClosing, kClosed };

  void ReadNext();
  void OnFirstBytes(beast::error_code ec, std::size_t n);
  void ReadRequest();
  void OnHeader(beast::error_code ec, std::size_t n);
  void OnRead(beast::error_code ec, std::size_t n);
  void HandleRequest();
  void SendTooLarge();
  Response CallHandler(const Request& request);
  void SendError(int status, std::string_view title, std::string detail,
                 bool request_line_parsed = false);
  void Send(Response response, unsigned version, bool keep_alive, bool head);
  void OnWrite(beast::error_code ec, std::size_t n);
  void LingerClose();
  void Drain();
  void CloseNow();
  void LogAccess();

  ServerImpl& server_;
  const ServerOptions& options_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
  std::array<char, 4096> drain_{};
  const std::string remote_;
  const bool reject_;
  State state_ = State::kIdle;
  bool first_request_ = true;
  bool stopping_ = false;
  bool keep_alive_ = false;
  std::size_t body_limit_ = 0;  // of the request being read
  // Access-log data of the request being answered.
  std::string request_id_;
  std::string method_;
  std::string path_;
  std::string tenant_;
  int status_ = 0;
  std::size_t bytes_ = 0;
  SteadyClock::time_point start_;
};

class ServerImpl final : public Server {
 public:
  ServerImpl(ServerOptions options, Handler handler)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        control_(asio::make_strand(ioc_)),
        acceptor_(control_),
        grace_timer_(control_),
        accept_retry_timer_(control_) {}

  ~ServerImpl() override {
    Stop();
    Wait();
  }

  Status Listen();
  void Run();

  std::uint16_t port() const override { return port_; }

  void Stop() override {
    if (stop_requested_.exchange(true)) return;
    asio::post(control_, [this] { BeginStop(); });
  }

  void Wait() override {
    std::lock_guard<std::mutex> lock(join_mu_);
    for (std::thread& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

  const ServerOptions& options() const { return options_; }
  const Handler& handler() const { return handler_; }

  // Called from ~Session on any thread.
  void Unregister(Session* session, bool rejecting) {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_.erase(session);
    --(rejecting ? rejecting_ : active_);
    if (stopping_ && sessions_.empty() && grace_armed_) {
      grace_armed_ = false;
      asio::post(control_, [this] { grace_timer_.cancel(); });
    }
  }

 private:
  void DoAccept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  void BeginStop();
  void OnGraceExpired(beast::error_code ec);
  std::vector<std::shared_ptr<Session>> LiveSessions();  // requires mu_

  const ServerOptions options_;
  const Handler handler_;

  std::mutex mu_;
  bool stopping_ = false;                                          // guarded by mu_
  bool grace_armed_ = false;                                       // guarded by mu_
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;  // guarded by mu_
  std::size_t active_ = 0;                                         // guarded by mu_
  std::size_t rejecting_ = 0;                                      // guarded by mu_
  std::atomic<bool> stop_requested_{false};

  // Declared after the registry: destroying the io_context destroys any session it still holds,
  // and their destructors unregister.
  asio::io_context ioc_;
  asio::strand<asio::io_context::executor_type> control_;  // acceptor and timers
  tcp::acceptor acceptor_;
  asio::steady_timer grace_timer_;
  asio::steady_timer accept_retry_timer_;
  std::uint16_t port_ = 0;

  std::mutex join_mu_;
  std::vector<std::thread> threads_;
};

// ---- Session ---------------------------------------------------------------------------------

Session::Session(ServerImpl& server, tcp::socket socket, std::string remote, bool reject)
    : server_(server),
      options_(server.options()),
      stream_(std::move(socket)),
      buffer_(options_.header_limit_bytes + kReadBufferSlack),
      remote_(std::move(remote)),
      reject_(reject) {}

Session::~Session() { server_.Unregister(this, reject_); }

void Session::Start() {
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if (self->state_ == State::kClosed) return;  // Stop() came first
    if (!self->reject_) return self->ReadNext();
    self->request_id_ = NewRequestId();
    self->start_ = SteadyClock::now();
    Response r =
        ProblemJson(503, "Service Unavailable",
                    "The server is at its connection limit; retry later.", self->request_id_);
    r.headers.emplace_back("Retry-After", "1");
    self->Send(std::move(r), 11, /*keep_alive=*/false, /*head=*/false);
  });
}

void Session::Shutdown() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    self->stopping_ = true;
    if (self->state_ == State::kIdle || self->state_ == State::kClosing) self->CloseNow();
  });
}

void Session::ForceClose() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] { self->CloseNow(); });
}

void Session::ReadNext() {
  if (stopping_) return CloseNow();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
      options_.header_limit_bytes, std::numeric_limits<std::uint32_t>::max())));
  // No limit while the header is read: OnHeader picks the request's limit and applies it before
  // any body byte is read (Beast would otherwise reject a Content-Length over the default here).
  parser_->body_limit(boost::none);
  body_limit_ = options_.body_limit_bytes;
  if (buffer_.size() > 0) return ReadRequest();  // a pipelined request is already here
  state_ = State::kIdle;
  stream_.expires_after(first_request_ ? options_.read_timeout : options_.idle_timeout);
  stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                          beast::bind_front_handler(&Session::OnFirstBytes, shared_from_this()));
}

void Session::OnFirstBytes(beast::error_code ec, std::size_t n) {
  if (ec) return CloseNow();  // idle timeout, client closed, or Shutdown()
  buffer_.commit(n);
  ReadRequest();
}

void Session::ReadRequest() {
  state_ = State::kReading;
  first_request_ = false;
  start_ = SteadyClock::now();
  stream_.expires_after(options_.read_timeout);  // one deadline for header, 100 Continue and body
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
}

void Session::OnHeader(beast::error_code ec, std::size_t n) {
  if (ec || state_ == State::kClosed) return OnRead(ec, n);
  const auto& header = parser_->get();
  if (options_.body_limit_for) {
    Request r;
    if (SetTarget(header.target(), r).ok()) {
      if (auto limit = options_.body_limit_for(header.method_string(), r.path)) {
        body_limit_ = *limit;
      }
    }
  }
  if (const auto length = parser_->content_length(); length && *length > body_limit_) {
    return OnRead(bhttp::error::body_limit, 0);  // before reading (or inviting) the body
  }
  parser_->body_limit(body_limit_);
  if (parser_->is_done()) return OnRead(ec, n);
  const auto read_body = [self = shared_from_this()](beast::error_code e, std::size_t) {
    if (e) return self->OnRead(e, 0);
    bhttp::async_read(self->stream_, self->buffer_, *self->parser_,
                      beast::bind_front_handler(&Session::OnRead, self));
  };
  // Clients such as curl otherwise wait about a second before sending a body (RFC 9110 10.1.1).
  if (header.version() >= 11 && beast::iequals(header[bhttp::field::expect], "100-continue")) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()), read_body);
  } else {
    read_body({}, 0);
  }
}

void Session::OnRead(beast::error_code ec, std::size_t /*n*/) {
  if (state_ == State::kClosed) return;
  request_id_.clear();
  method_.clear();
  path_.clear();
  if (ec == bhttp::error::body_limit) {
    if (options_.body_too_large) return SendTooLarge();
    return SendError(413, "Payload Too Large",
                     fmt::format("The request body exceeds the limit of {} bytes.", body_limit_),
                     /*request_line_parsed=*/true);
  }
  if (ec == bhttp::error::header_limit) {
    return SendError(
        431, "Request Header Fields Too Large",
        fmt::format("The request header exceeds {} bytes.", options_.header_limit_bytes));
  }
  if (ec == beast::error::timeout) {
    LogEvent(Level::kDebug, "http_read_timeout", {{"remote", remote_}});
    return CloseNow();
  }
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) return CloseNow();
  if (ec && IsHttpProtocolError(ec)) {
    return SendError(400, "Bad Request", "The request is not valid HTTP/1.1.");
  }
  if (ec) return CloseNow();
  HandleRequest();
}

void Session::SendError(int status, std::string_view title, std::string detail,
                        bool request_line_parsed) {
  // A body-limit error comes at the earliest from the Content-Length field, so the request line and
  // the fields before it are known: honour the client's request id and name the request.
  if (request_line_parsed) {
    const auto& header = parser_->get();
    request_id_ = ChooseRequestId(header["X-Request-Id"]);
    method_ = std::string(header.method_string());
    Request r;
    if (SetTarget(header.target(), r).ok()) path_ = r.path;
  } else {
    request_id_ = NewRequestId();
  }
  Send(ProblemJson(status, title, detail, request_id_), 11, /*keep_alive=*/false, /*head=*/false);
}

// The header is complete (the limit is applied once it is): the handler's renderer gets it.
void Session::SendTooLarge() {
  const auto& in = parser_->get();
  Request head;
  head.method = std::string(in.method_string());
  head.remote_address = remote_;
  for (const auto& field : in) {
    head.headers.emplace_back(ToLower(field.name_string()), std::string(field.value()));
  }
  head.request_id = ChooseRequestId(in["X-Request-Id"]);
  request_id_ = head.request_id;
  method_ = head.method;
  Response response;
  if (SetTarget(in.target(), head).ok()) {
    path_ = head.path;
    try {
      response = options_.body_too_large(head, body_limit_);
    } catch (const std::exception& e) {
      LogEvent(Level::kError, "http_handler_exception",
               {{"request_id", request_id_}, {"path", path_}, {"error", e.what()}});
      response = {};
    }
  }
  if (response.status != 413) {
    response = ProblemJson(
        413, "Payload Too Large",
        fmt::format("The request body exceeds the limit of {} bytes.", body_limit_), request_id_);
  }
  Send(std::move(response), 11, /*keep_alive=*/false, /*head=*/false);
}

void Session::HandleRequest() {
  bhttp::request<bhttp::string_body>& in = parser_->get();
  Request request;
  request.method = std::string(in.method_string());
  request.remote_address = remote_;
  request.headers.reserve(static_cast<std::size_t>(std::distance(in.begin(), in.end())));
  for (const auto& field : in) {
    request.headers.emplace_back(ToLower(field.name_string()), std::string(field.value()));
  }
  request.request_id = ChooseRequestId(in["X-Request-Id"]);
  request_id_ = request.request_id;
  method_ = request.method;
  const bool head = request.method == "HEAD";

  Response response;
  if (Status target = SetTarget(in.target(), request); !target.ok()) {
    response = ProblemJson(400, "Bad Request", target.error().message, request_id_);
  } else {
    path_ = request.path;
    request.body = std::move(in.body());
    response = CallHandler(request);
  }
  Send(std::move(response), in.version(), in.keep_alive(), head);
}

Response Session::CallHandler(const Request& request) {
  const char* what = "unknown exception";
  try {
    return server_.handler()(request);
  } catch (const std::exception& e) {
    what = e.what();
    LogEvent(Level::kError, "http_handler_exception",
             {{"request_id", request_id_}, {"method", method_}, {"path", path_}, {"error", what}});
  } catch (...) {
    LogEvent(Level::kError, "http_handler_exception",
             {{"request_id", request_id_}, {"method", method_}, {"path", path_}, {"error", what}});
  }
  return ProblemJson(500, "Internal Server Error", "An unexpected error occurred.", request_id_);
}

void Session::Send(Response r, unsigned version, bool keep_alive, bool head) {
  if (r.status < 200 || r.status > 599) {
    LogEvent(Level::kError, "http_invalid_status",
             {{"request_id", request_id_}, {"path", path_}, {"status", r.status}});
    r = ProblemJson(500, "Internal Server Error", "An unexpected error occurred.", request_id_);
  }
  tenant_ = std::move(r.tenant);
  status_ = r.status;

  response_ = {};
  response_.version(version);
  response_.result(static_cast<unsigned>(r.status));
  std::optional<std::size_t> head_length;
  for (auto& [name, value] : r.headers) {
    if (name.empty() || !std::all_of(name.begin(), name.end(), IsTokenChar)) continue;
    const std::string lower = ToLower(name);
    if (lower == "content-length") {
      // The router keeps the GET body's length when it answers HEAD.
      std::size_t length = 0;
      auto [end, err] = std::from_chars(value.data(), value.data() + value.size(), length);
      if (head && err == std::errc() && end == value.data() + value.size()) head_length = length;
      continue;
    }
    if (lower == "transfer-encoding" || lower == "connection" || lower == "keep-alive" ||
        lower == "upgrade" || lower == "te" || lower == "trailer" || lower == "date" ||
        lower == "x-request-id") {
      continue;
    }
    if (lower == "content-type" && !r.content_type.empty()) continue;
    response_.insert(name, SanitizeHeaderValue(value));
  }
  if (!r.content_type.empty()) {
    response_.set(bhttp::field::content_type, SanitizeHeaderValue(r.content_type));
  }
  const auto set_default = [this](std::string_view name, std::string_view value) {
    if (response_.find(name) == response_.end()) response_.set(name, value);
  };
  set_default("X-Content-Type-Options", "nosniff");
  set_default("X-Frame-Options", "DENY");
  set_default("Referrer-Policy", "no-referrer");
  set_default("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
  set_default("Cache-Control", "no-store");
  response_.set(bhttp::field::date, HttpDate());
  response_.set("X-Request-Id", request_id_);

  keep_alive_ = keep_alive && !stopping_;
  response_.keep_alive(keep_alive_);
  const bool no_body_status = r.status == 204 || r.status == 304;
  if (head) {
    response_.content_length(head_length.value_or(r.body.size()));
  } else if (!no_body_status) {
    response_.body() = std::move(r.body);
    response_.prepare_payload();
  }
  bytes_ = response_.body().size();

  state_ = State::kWriting;
  stream_.expires_after(options_.write_timeout);
  bhttp::async_write(stream_, response_,
                     beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
}

void Session::OnWrite(beast::error_code ec, std::size_t /*n*/) {
  LogAccess();
  if (state_ == State::kClosed) return;
  if (ec) return CloseNow();
  response_ = {};
  if (!keep_alive_ || stopping_) return LingerClose();
  ReadNext();
}

void Session::LogAccess() {
  if (!log::Enabled(Level::kInfo)) return;
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start_);
  LogEvent(Level::kInfo, "access",
           {{"request_id", request_id_},
            {"remote", remote_},
            {"method", method_},
            {"path", path_},
            {"status", status_},
            {"bytes", bytes_},
            {"duration_ms", static_cast<double>(elapsed.count()) / 1000.0},
            {"tenant", tenant_}});
}

void Session::LingerClose() {
  state_ = State::kClosing;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  // Stopping: the sent data still goes out before the FIN; only a client writing more would see a
  // reset, and Shutdown() cuts lingers short anyway.
  if (ec || stopping_) return CloseNow();
  stream_.expires_after(std::min<std::chrono::milliseconds>(options_.read_timeout, kMaxLinger));
  Drain();
}

void Session::Drain() {
  stream_.async_read_some(asio::buffer(drain_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) return self->CloseNow();
                            self->Drain();
                          });
}

void Session::CloseNow() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  stream_.close();  // cancels the timer and pending operations
}

// ---- ServerImpl ------------------------------------------------------------------------------

Status ServerImpl::Listen() {
  const std::string where = EndpointText(options_.host, options_.port);
  beast::error_code ec;
  tcp::resolver resolver(ioc_);
  auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return Unavailable(
        fmt::format("cannot listen on {}: {}", where, ec ? ErrorText(ec) : "host not found"));
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  const auto fail = [&](const beast::error_code& e) -> Status {
    return Unavailable(fmt::format("cannot listen on {}: {}", where, ErrorText(e)));
  };
  if (acceptor_.open(endpoint.protocol(), ec); ec) return fail(ec);
  if (acceptor_.set_option(asio::socket_base::reuse_address(true), ec); ec) return fail(ec);
  if (acceptor_.bind(endpoint, ec); ec) return fail(ec);
  if (acceptor_.listen(asio::socket_base::max_listen_connections, ec); ec) return fail(ec);
  const tcp::endpoint local = acceptor_.local_endpoint(ec);
  if (ec) return fail(ec);
  port_ = local.port();
  return Ok();
}

void ServerImpl::Run() {
  asio::post(control_, [this] { DoAccept(); });
  unsigned n = options_.threads > 0 ? static_cast<unsigned>(options_.threads)
                                    : std::max(1u, std::thread::hardware_concurrency());
  threads_.reserve(n);
  for (unsigned i = 0; i < n; ++i) {
    threads_.emplace_back([this] {
      for (;;) {
        try {
          ioc_.run();
          return;
        } catch (const std::exception& e) {
          LogEvent(Level::kError, "http_io_exception", {{"error", e.what()}});
        }
      }
    });
  }
  LogEvent(Level::kInfo, "http_listening",
           {{"host", options_.host}, {"port", port_}, {"threads", n}});
}

void ServerImpl::DoAccept() {
  acceptor_.async_accept(
      asio::make_strand(ioc_),
      asio::bind_executor(control_, [this](beast::error_code ec, tcp::socket socket) {
        OnAccept(ec, std::move(socket));
      }));
}

void ServerImpl::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (!acceptor_.is_open()) return;  // Stop()
  if (ec) {
    // Typically out of file descriptors: back off instead of spinning.
    LogEvent(Level::kWarn, "http_accept_failed", {{"error", ErrorText(ec)}});
    accept_retry_timer_.expires_after(kAcceptRetryDelay);
    accept_retry_timer_.async_wait([this](beast::error_code e) {
      if (!e && acceptor_.is_open()) DoAccept();
    });
    return;
  }
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  const tcp::endpoint peer = socket.remote_endpoint(ignored);
  std::string remote = ignored ? std::string() : peer.address().to_string();

  std::shared_ptr<Session> session;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const bool reject = active_ >= options_.max_connections;
    // Rejections are capped too, so that a flood cannot hold unbounded sockets.
    if (!stopping_ && !(reject && rejecting_ >= options_.max_connections)) {
      session = std::make_shared<Session>(*this, std::move(socket), std::move(remote), reject);
      sessions_.emplace(session.get(), session);
      ++(reject ? rejecting_ : active_);
    }
  }
  if (session) {
    session->Start();
  } else {
    socket.close(ignored);
  }
  DoAccept();
}

std::vector<std::shared_ptr<Session>> ServerImpl::LiveSessions() {
  std::vector<std::shared_ptr<Session>> live;
  live.reserve(sessions_.size());
  for (auto& [ptr, weak] : sessions_) {
    if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  return live;
}

void ServerImpl::BeginStop() {
  beast::error_code ignored;
  acceptor_.close(ignored);
  accept_retry_timer_.cancel();
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    live = LiveSessions();
    grace_armed_ = !sessions_.empty();
  }
  LogEvent(Level::kInfo, "http_stopping", {{"port", port_}, {"connections", live.size()}});
  if (!live.empty()) {
    grace_timer_.expires_after(options_.shutdown_grace);
    grace_timer_.async_wait([this](beast::error_code ec) { OnGraceExpired(ec); });
  }
  for (auto& s : live) s->Shutdown();
}

void ServerImpl::OnGraceExpired(beast::error_code ec) {
  if (ec) return;  // cancelled: every connection closed in time
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard<std::mutex> lock(mu_);
    grace_armed_ = false;
    live = LiveSessions();
  }
  if (!live.empty()) {
    LogEvent(Level::kWarn, "http_shutdown_grace_expired", {{"connections", live.size()}});
  }
  for (auto& s : live) s->ForceClose();
}

Status ValidateOptions(const ServerOptions& o) {
  if (o.threads < 0) return InvalidArgument("http.threads", "must be 0 (automatic) or positive");
  if (o.read_timeout.count() <= 0) return InvalidArgument("http.read_timeout", "must be positive");
  if (o.write_timeout.count() <= 0)
    return InvalidArgument("http.write_timeout", "must be positive");
  if (o.idle_timeout.count() <= 0) return InvalidArgument("http.idle_timeout", "must be positive");
  if (o.shutdown_grace.count() < 0) {
    return InvalidArgument("http.shutdown_grace", "must not be negative");
  }
  if (o.max_connections == 0) return InvalidArgument("http.max_connections", "must be positive");
  if (o.header_limit_bytes < 1024) {
    return InvalidArgument("http.header_limit_bytes", "must be at least 1024");
  }
  return Ok();
}

}  // namespace

Result<std::unique_ptr<Server>> StartServer(const ServerOptions& options, Handler handler) {
  INCASSO_TRY(ValidateOptions(options));
  if (!handler) return InvalidArgument("handler", "must not be empty");
  auto server = std::make_unique<ServerImpl>(options, std::move(handler));
  INCASSO_TRY(server->Listen());
  server->Run();
  return std::unique_ptr<Server>(std::move(server));
}

void WaitForShutdownSignal(Server& server) {
  asio::io_context ioc;
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  int received = 0;
  signals.async_wait([&received](const beast::error_code& ec, int signal) {
    if (!ec) received = signal;
  });
  ioc.run();
  LogEvent(Level::kInfo, "shutdown_signal", {{"signal", received}});
  server.Stop();
  server.Wait();
}

}  // namespace incasso::http
