#include "web/portal.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <boost/json.hpp>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include "app/portal.hpp"
#include "core/money.hpp"
#include "core/time.hpp"
#include "domain/fiscal_code.hpp"
#include "http/client.hpp"
#include "http/router.hpp"
#include "web/embedded.hpp"
#include "web/i18n.hpp"
#include "web/service_form.hpp"
#include "web/template.hpp"

namespace incasso::web {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxCart = 5;  // pagoPA Checkout: 1..5 paymentNotices per cart
constexpr std::string_view kCsrfCookie = "incasso_csrf";
constexpr std::string_view kCartCookie = "incasso_cart";
constexpr std::string_view kPaidCookie = "incasso_pagamento";
constexpr std::string_view kLangCookie = "incasso_lingua";

// ---- small helpers ----

std::string Hex(const unsigned char* data, std::size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 15];
  }
  return out;
}

std::string RandomHex(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  return Hex(raw.data(), raw.size());
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string FormDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() + 0 && HexValue(s[i + 1]) >= 0 &&
               HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string UrlEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// application/x-www-form-urlencoded; the first value of a key wins; at most 100 fields.
std::map<std::string, std::string> ParseFormBody(std::string_view body) {
  std::map<std::string, std::string> out;
  int fields = 0;
  while (!body.empty() && fields < 100) {
    std::size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    std::string key = FormDecode(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? "" : FormDecode(pair.substr(eq + 1));
    out.emplace(std::move(key), std::move(value));
    ++fields;
  }
  return out;
}

std::map<std::string, std::string> ParseCookies(std::string_view header) {
  std::map<std::string, std::string> out;
  while (!header.empty()) {
    std::size_t semi = header.find(';');
    std::string_view item = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    out.emplace(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
  }
  return out;
}

std::string Get(const std::map<std::string, std::string>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? std::string() : it->second;
}

std::string Origin(std::string_view url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::size_t slash = url.find('/', scheme + 3);
  return std::string(url.substr(0, slash));
}

std::string FormatMoney(std::string_view lang, std::int64_t cents) {
  std::string it = FormatAmountItalian(cents);  // "1.234,50"
  if (lang == "en") {
    for (char& c : it) c = c == '.' ? ',' : (c == ',' ? '.' : c);
  }
  return "€ " + it;
}

std::string FormatDay(Date d) {
  std::string iso = FormatDate(d);  // YYYY-MM-DD
  return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "12", "12,5", "12,50", "1.234,50" (Italian) or "12.50": exact cents, never a double.
Result<std::int64_t> ParseCitizenAmount(std::string_view text) {
  std::string s;
  for (char c : text) {
    if (c != ' ' && c != '\xe2') s += c;
  }
  if (s.rfind("€", 0) == 0) s.erase(0, std::string_view("€").size());
  if (s.find(',') != std::string::npos) {
    s.erase(std::remove(s.begin(), s.end(), '.'), s.end());
    std::replace(s.begin(), s.end(), ',', '.');
  }
  return ParseAmount(s, "importo");
}

// One item of a cart: an institution's fiscal code and a notice number.
struct CartItem {
  std::string fiscal_code;
  std::string notice_number;
  bool operator==(const CartItem& o) const {
    return fiscal_code == o.fiscal_code && notice_number == o.notice_number;
  }
};

bool Digits(std::string_view s, std::size_t n) {
  return s.size() == n &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

class PortalImpl final : public Portal {
 public:
  PortalImpl(AppContext& ctx, PortalOptions options)
      : ctx_(ctx), options_(std::move(options)), limiter_(options_.lookup_limit, ctx.clock) {
    secret_ = options_.secret.empty() ? RandomHex(32) : options_.secret;
    checkout_url_ = options_.checkout_url;
    for (const EmbeddedText& t : EmbeddedTemplates()) {
      if (auto st = templates_.Add(std::string(t.name), t.text); !st.ok()) {
        throw std::runtime_error(st.error().message);
      }
    }
    for (const EmbeddedAsset& a : EmbeddedAssets()) {
      std::string url_name(a.name);
      if (a.hashed) {
        std::size_t dot = url_name.rfind('.');
        url_name = url_name.substr(0, dot) + "." + std::string(a.hash) + url_name.substr(dot);
      }
      assets_by_url_[url_name] = &a;
      asset_urls_[std::string(a.name)] = "/static/" + url_name;
    }
    asset_value_["bootstrap_css"] = asset_urls_.at("bootstrap-italia.min.css");
    asset_value_["portal_css"] = asset_urls_.at("portal.css");
    asset_value_["sprite"] = asset_urls_.at("sprites.svg");
  }

  void SetCheckoutUrl(std::string url) override {
    std::lock_guard lock(mu_);
    checkout_url_ = std::move(url);
  }

  void AddRoutes(http::Router& router) {
    auto bind = [this](http::Response (PortalImpl::*fn)(const http::Request&)) {
      return [this, fn](const http::Request& r) { return Guard(r, fn); };
    };
    router.Add("GET", "/", bind(&PortalImpl::Home));
    router.Add("GET", "/enti/{slug}", bind(&PortalImpl::EntityPage));
    router.Add("GET", "/enti/{slug}/servizi/{code}", bind(&PortalImpl::ServicePage));
    router.Add("POST", "/enti/{slug}/servizi/{code}", bind(&PortalImpl::ServiceSubmit));
    router.Add("GET", "/paga", bind(&PortalImpl::PayForm));
    router.Add("POST", "/paga", bind(&PortalImpl::PayLookup));
    router.Add("GET", "/carrello", bind(&PortalImpl::CartPage));
    router.Add("POST", "/carrello/aggiungi", bind(&PortalImpl::CartAdd));
    router.Add("POST", "/carrello/rimuovi", bind(&PortalImpl::CartRemove));
    router.Add("POST", "/carrello/paga", bind(&PortalImpl::CartPay));
    router.Add("GET", "/pagamento/esito", bind(&PortalImpl::Outcome));
    router.Add("GET", "/lingua", bind(&PortalImpl::Language));
    router.Add("GET", "/documenti/{file}", bind(&PortalImpl::Document));
    router.Add("GET", "/static/{file}", [this](const http::Request& r) { return Static(r); });
  }

 private:
  // What every page needs from the request: language, CSRF cookie, cart.
  struct Visit {
    std::string lang;
    std::string csrf_cookie;  // the value in force (new when the browser had none)
    bool new_csrf = false;
    std::vector<CartItem> cart;
    std::map<std::string, std::string> cookies;
    const http::Request* request = nullptr;
  };

  using Page = http::Response (PortalImpl::*)(const http::Request&);

  http::Response Guard(const http::Request& r, Page fn) {
    try {
      return (this->*fn)(r);
    } catch (const std::exception&) {
      // The server logs nothing of the request but its path; the page says nothing inside.
      Visit v = Begin(r);
      return Message(v, 500, "unavailable_title", Text(v, "unavailable_text"), "danger");
    }
  }

  Visit Begin(const http::Request& r) const {
    Visit v;
    v.request = &r;
    v.cookies = ParseCookies(r.Header("cookie"));
    v.lang = ChooseLanguage(catalogs_, Get(v.cookies, std::string(kLangCookie)),
                            r.Header("accept-language"));
    v.csrf_cookie = Get(v.cookies, std::string(kCsrfCookie));
    if (v.csrf_cookie.size() != 32 ||
        v.csrf_cookie.find_first_not_of("0123456789abcdef") != std::string::npos) {
      v.csrf_cookie.clear();
    }
    if (v.csrf_cookie.empty()) {
      v.csrf_cookie = RandomHex(16);
      v.new_csrf = true;
    }
    v.cart = ReadCart(Get(v.cookies, std::string(kCartCookie)));
    return v;
  }

  std::string Mac(std::string_view purpose, std::string_view data) const {
    unsigned char out[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret_.data()),
                                secret_.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(purpose.data()),
                                  purpose.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>("|"), 1);
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(data.data()),
                                  data.size());
    crypto_auth_hmacsha256_final(&st, out);
    return Hex(out, 20);
  }

  // The rate limiter's key: the peer, or the client behind a trusted proxy.
  std::string ClientAddress(const http::Request& r) const {
    std::vector<std::string> forwarded;
    for (const auto& [name, value] : r.headers) {
      if (name == "x-forwarded-for") forwarded.push_back(value);
    }
    return web::ClientAddress(options_.trusted_proxies, r.remote_address, forwarded);
  }

  std::string CsrfToken(const Visit& v) const { return Mac("csrf", v.csrf_cookie); }

  bool CsrfOk(const Visit& v, const std::map<std::string, std::string>& form) const {
    if (v.new_csrf) return false;  // no cookie: the form cannot come from our page
    return ConstantTimeEquals(Get(form, "csrf"), CsrfToken(v));
  }

  // Cookie value "fc:nav,fc:nav.<mac>"; anything else is an empty cart.
  std::vector<CartItem> ReadCart(const std::string& cookie) const {
    std::vector<CartItem> out;
    std::size_t dot = cookie.rfind('.');
    if (dot == std::string::npos) return out;
    std::string data = cookie.substr(0, dot);
    if (!ConstantTimeEquals(cookie.substr(dot + 1), Mac("cart", data))) return out;
    std::size_t pos = 0;
    while (pos < data.size() && out.size() < kMaxCart) {
      std::size_t comma = data.find(',', pos);
      std::string item =
          data.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
      pos = comma == std::string::npos ? data.size() : comma + 1;
      std::size_t colon = item.find(':');
      if (colon == std::string::npos) continue;
      CartItem c{item.substr(0, colon), item.substr(colon + 1)};
      if (Digits(c.fiscal_code, 11) && Digits(c.notice_number, 18)) out.push_back(std::move(c));
    }
    return out;
  }

  std::string CartCookieValue(const std::vector<CartItem>& items) const {
    std::string data;
    for (const CartItem& c : items) {
      if (!data.empty()) data += ',';
      data += c.fiscal_code + ":" + c.notice_number;
    }
    return data + "." + Mac("cart", data);
  }

  bool SecureCookies() const { return options_.public_url.rfind("https://", 0) == 0; }

  std::string Cookie(std::string_view name, std::string_view value, bool expire = false) const {
    return fmt::format("{}={}; Path=/; HttpOnly; SameSite=Lax{}{}", name, value,
                       SecureCookies() ? "; Secure" : "", expire ? "; Max-Age=0" : "");
  }

  std::string CheckoutUrl() const {
    std::lock_guard lock(mu_);
    return checkout_url_;
  }

  std::string Csp() const {
    std::string form_action = "'self'";
    std::string checkout = Origin(CheckoutUrl());
    // Chrome applies form-action to the redirect after a form is sent: Checkout's origin must be
    // allowed for the "Pay" button's 303.
    if (!checkout.empty()) form_action += " " + checkout;
    return "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
           "form-action " +
           form_action + "; frame-ancestors 'none'; base-uri 'none'";
  }

  std::string Text(const Visit& v, std::string_view key) const {
    return catalogs_.Text(v.lang, key);
  }

  // Renders `page` inside the layout.
  http::Response Render(const Visit& v, int status, std::string_view page, Value data,
                        std::string_view title) const {
    data["t"] = catalogs_.Messages(v.lang);
    data["csrf"] = CsrfToken(v);
    data["lang"] = v.lang;
    data["asset"] = asset_value_;
    data["region"] = RegionName();
    data["cart_count"] = std::to_string(v.cart.size());
    data["title"] = std::string(title);
    auto content = templates_.Render(page, data);
    if (!content.ok()) throw std::runtime_error(content.error().message);
    data["content"] = std::move(*content);
    const bool en = v.lang == "en";
    Value sw;
    sw["lang"] = en ? "it" : "en";
    sw["label"] = en ? "Italiano" : "English";
    std::string back = v.request->method == "GET" ? v.request->path : "/";
    sw["href"] = fmt::format("/lingua?l={}&torna={}", en ? "it" : "en", UrlEncode(back));
    data["lang_switch"] = std::move(sw);
    auto html = templates_.Render("layout", data);
    if (!html.ok()) throw std::runtime_error(html.error().message);
    http::Response r;
    r.status = status;
    r.content_type = "text/html; charset=utf-8";
    r.body = std::move(*html);
    r.headers.emplace_back("Content-Security-Policy", Csp());
    r.headers.emplace_back("Cache-Control", "no-store");
    r.headers.emplace_back("Content-Language", v.lang);
    r.headers.emplace_back("Vary", "Accept-Language, Cookie");
    if (v.new_csrf) r.headers.emplace_back("Set-Cookie", Cookie(kCsrfCookie, v.csrf_cookie));
    return r;
  }

  http::Response Message(const Visit& v, int status, std::string_view title_key,
                         const std::string& message, std::string_view alert,
                         std::string back_url = "/", std::string back_key = "back_home") const {
    Value d;
    d["message"] = message;
    d["alert"] = std::string(alert);
    d["back_url"] = std::move(back_url);
    d["back_text"] = Text(v, back_key);
    return Render(v, status, "message", std::move(d), Text(v, title_key));
  }

  http::Response Redirect(const Visit& v, std::string location) const {
    http::Response r;
    r.status = 303;
    r.headers.emplace_back("Location", std::move(location));
    r.headers.emplace_back("Cache-Control", "no-store");
    if (v.new_csrf) r.headers.emplace_back("Set-Cookie", Cookie(kCsrfCookie, v.csrf_cookie));
    return r;
  }

  std::string RegionName() const {
    auto i = ctx_.store.GetIntermediary();
    if (i.ok() && i->has_value()) return (*i)->name;
    return "incasso";
  }

  // ---- the "pay a notice" box ----

  // `by_debtor`: the fiscal code typed is the debtor's, not the institution's.
  Value PayFields(const Visit& v, const std::string& avviso, const std::string& cf,
                  const std::string& avviso_error, const std::string& cf_error,
                  bool by_debtor = false) const {
    // A required code typed on a numeric keypad, never autocompleted.
    auto code_field = [&](const char* name, const char* maxlength, const char* label_key,
                          const char* help_key, const std::string& value,
                          const std::string& error) {
      Value f;
      f["id"] = name;
      f["name"] = name;
      f["type"] = "text";
      f["inputmode"] = "numeric";
      f["autocomplete"] = "off";
      f["maxlength"] = maxlength;
      f["label"] = Text(v, label_key);
      f["help"] = Text(v, help_key);
      f["required"] = true;
      f["value"] = value;
      f["error"] = error;
      return f;
    };
    Value fields;
    fields.push_back(code_field("avviso", "22", "notice_number_label", "notice_number_help", avviso,
                                avviso_error));
    Value pay;
    pay["fields"] = std::move(fields);
    pay["cf_field"] = code_field("cf", "20", "entity_fc_label", "entity_fc_help", cf, cf_error);
    pay["by_debtor"] = by_debtor;
    return pay;
  }

  // ---- pages ----

  http::Response Home(const http::Request& r) {
    Visit v = Begin(r);
    std::string q = Get(r.query, "q").substr(0, 100);
    auto entities = ctx_.store.ListEntities();
    if (!entities.ok())
      return Message(v, 503, "unavailable_title", Text(v, "unavailable_text"), "danger");
    const std::string needle = Lower(q);
    Value list;
    int n = 0;
    for (const Entity& e : *entities) {
      if (e.status != EntityStatus::kActive) continue;
      if (!needle.empty() && Lower(e.name).find(needle) == std::string::npos &&
          Lower(e.city).find(needle) == std::string::npos) {
        continue;
      }
      Value item;
      item["slug"] = e.slug;
      item["name"] = e.name;
      item["city"] = e.city;
      item["province"] = e.province;
      list.push_back(std::move(item));
      ++n;
    }
    Value d;
    d["q"] = q;
    d["results_title"] = fmt::format(fmt::runtime(Text(v, "results_for")), q, n);
    d["has_entities"] = n > 0;
    d["entities"] = std::move(list);
    d["pay"] = PayFields(v, "", "", "", "");
    return Render(v, 200, "home", std::move(d), Text(v, "home"));
  }

  std::string AmountText(const Visit& v, const Service& s) const {
    switch (s.amount_rule) {
      case AmountRule::kFixed:
        return FormatMoney(v.lang, s.amount_cents);
      case AmountRule::kRange:
        return fmt::format(fmt::runtime(Text(v, "amount_range")), FormatMoney(v.lang, s.min_cents),
                           FormatMoney(v.lang, s.max_cents));
      case AmountRule::kFree:
        return Text(v, "amount_free");
    }
    return {};
  }

  Value EntityValue(const Entity& e) const {
    Value x;
    x["slug"] = e.slug;
    x["name"] = e.name;
    x["department"] = e.department;
    x["address"] = e.address;
    x["postal_code"] = e.postal_code;
    x["city"] = e.city;
    x["province"] = e.province;
    x["email"] = e.email;
    x["pec"] = e.pec;
    x["phone"] = e.phone;
    // Only http(s) links and same-site paths: a stored "javascript:" URL must not become a link.
    auto safe_url = [](const std::string& u) {
      return u.rfind("https://", 0) == 0 || u.rfind("http://", 0) == 0 ||
                     (u.rfind("/", 0) == 0 && u.rfind("//", 0) != 0)
                 ? u
                 : std::string();
    };
    x["website"] = safe_url(e.website);
    x["logo"] = e.logo.rfind("/", 0) == 0 && e.logo.rfind("//", 0) != 0 ? e.logo : std::string();
    x["fiscal_code"] = e.fiscal_code;
    return x;
  }

  std::optional<Entity> ActiveEntityBySlug(const std::string& slug, bool* db_error) const {
    *db_error = false;
    if (!ValidateSlug(slug).ok()) return std::nullopt;
    auto e = ctx_.store.FindEntityBySlug(slug);
    if (!e.ok()) {
      *db_error = true;
      return std::nullopt;
    }
    if (!e->has_value() || (*e)->status != EntityStatus::kActive) return std::nullopt;
    return **e;
  }

  http::Response NotFoundPage(const Visit& v) const {
    return Message(v, 404, "not_found_title", Text(v, "not_found_text"), "warning");
  }

  http::Response EntityPage(const http::Request& r) {
    Visit v = Begin(r);
    bool db_error = false;
    auto e = ActiveEntityBySlug(r.path_params.at("slug"), &db_error);
    if (db_error)
      return Message(v, 503, "unavailable_title", Text(v, "unavailable_text"), "danger");
    if (!e) return NotFoundPage(v);
    auto services = ctx_.store.ListServices(e->id);
    if (!services.ok())
      return Message(v, 503, "unavailable_title", Text(v, "unavailable_text"), "danger");
    Value list;
    int n = 0;
    for (const Service& s : *services) {
      if (!s.active || !s.spontaneous) continue;
      Value item;
      item["slug"] = e->slug;
      item["code"] = UrlEncode(s.code);
      item["name"] = s.name;
      item["amount_text"] = AmountText(v, s);
      list.push_back(std::move(item));
      ++n;
    }
    Value d;
    d["entity"] = EntityValue(*e);
    d["services"] = std::move(list);
    d["has_services"] = n > 0;
    d["pay"] = PayFields(v, "", e->fiscal_code, "", "");
    return Render(v, 200, "entity", std::move(d), e->name);
  }

  http::Response PayForm(const http::Request& r) {
    Visit v = Begin(r);
    // Deep link /paga?avviso=N&cf=FC prefills the form; nothing is looked up by GET.
    std::string avviso = Get(r.query, "avviso").substr(0, 22);
    std::string cf = Get(r.query, "cf").substr(0, 14);
    Value d;
    d["pay"] = PayFields(v, avviso, cf, "", "");
    return Render(v, 200, "pay", std::move(d), Text(v, "pay_notice_title"));
  }

  std::string FieldError(const Visit& v, const Error& e, bool by_debtor) const {
    const std::string& m = e.message;
    if (m == "is required") return Text(v, "err_required");
    if (e.field == "avviso") {
      return m.find("start") != std::string::npos ? Text(v, "err_notice_aux")
                                                  : Text(v, "err_notice_digits");
    }
    return Text(v, by_debtor ? "err_debtor_fc" : "err_entity_fc");
  }

  http::Response RateLimited(const Visit& v, std::chrono::seconds wait) const {
    http::Response resp =
        Message(v, 429, "rate_title", fmt::format(fmt::runtime(Text(v, "rate_text")), wait.count()),
                "warning", "/paga", "another_notice");
    resp.headers.emplace_back("Retry-After", std::to_string(wait.count()));
    return resp;
  }

  http::Response CsrfRefused(const Visit& v) const {
    return Message(v, 403, "csrf_title", Text(v, "csrf_text"), "danger");
  }

  // The look-up as a page: the notice, or why it cannot be paid; form errors next to the field.
  http::Response PayLookup(const http::Request& r) {
    Visit v = Begin(r);
    auto form = ParseFormBody(r.body);
    if (!CsrfOk(v, form)) return CsrfRefused(v);
    std::string avviso = Get(form, "avviso").substr(0, 40);
    std::string cf = Get(form, "cf").substr(0, 40);
    const bool by_debtor = Get(form, "cf_tipo") == "debitore";
    auto decision = limiter_.Take(web::RateLimitKey(ClientAddress(r)));
    if (!decision.allowed) return RateLimited(v, decision.retry_after);
    auto found = by_debtor ? LookUpNoticeByDebtor(ctx_, options_.station, cf, avviso)
                           : LookUpNotice(ctx_, options_.station, cf, avviso);
    if (!found.ok()) {
      const Error& e = found.error();
      if (e.code != ErrorCode::kInvalidArgument) {
        return Message(v, 503, "unavailable_title", Text(v, "unavailable_text"), "danger");
      }
      Value d;
      d["pay"] = PayFields(v, avviso, cf, e.field == "avviso" ? FieldError(v, e, by_debtor) : "",
                           e.field == "cf" ? FieldError(v, e, by_debtor) : "", by_debtor);
      return Render(v, 400, "pay", std::move(d), Text(v, "pay_notice_title"));
    }
    return NoticePage(v, *found);
  }

  Value NoticeValue(const Visit& v, const NoticeLookup& n) const {
    Value x;
    x["subject"] = n.answer.payment_description;
    x["amount"] = FormatMoney(v.lang, n.answer.amount);
    x["due_date"] = n.answer.due_date ? FormatDay(*n.answer.due_date) : std::string();
    x["company"] = n.answer.company_name;
    x["number"] = n.notice_number;
    x["entity_fiscal_code"] = n.entity_fiscal_code;
    return x;
  }

  http::Response NoticePage(const Visit& v, const NoticeLookup& n) const {
    Value d;
    std::string title;
    switch (n.state) {
      case NoticeState::kPayable:
        title = Text(v, "notice_title");
        d["payable"] = true;
        d["notice"] = NoticeValue(v, n);
        d["notice"]["pdf_url"] = DocumentUrl("avviso", n.entity_fiscal_code, n.notice_number);
        d["in_cart"] = std::find(v.cart.begin(), v.cart.end(),
                                 CartItem{n.entity_fiscal_code, n.notice_number}) != v.cart.end();
        break;
      case NoticeState::kPaid:
        title = Text(v, "state_paid_title");
        d["message"] = Text(v, "state_paid");
        d["alert"] = "success";
        break;
      case NoticeState::kExpired:
        title = Text(v, "state_expired_title");
        d["message"] = Text(v, "state_expired");
        d["alert"] = "warning";
        break;
      case NoticeState::kCancelled:
        title = Text(v, "state_cancelled_title");
        d["message"] = Text(v, "state_cancelled");
        d["alert"] = "warning";
        break;
      case NoticeState::kUnknown:
        title = Text(v, "state_unknown_title");
        d["message"] = Text(v, "state_unknown");
        d["alert"] = "danger";
        break;
    }
    d["state"] = ToString(n.state);
    return Render(
        v, n.state == NoticeState::kPayable ? 200 : (n.state == NoticeState::kUnknown ? 404 : 409),
        "notice", std::move(d), title);
  }

  // ---- cart ----

  http::Response CartAdd(const http::Request& r) {
    Visit v = Begin(r);
    auto form = ParseFormBody(r.body);
    if (!CsrfOk(v, form)) return CsrfRefused(v);
    // Adding verifies the notice again: it counts as a look-up.
    auto decision = limiter_.Take(web::RateLimitKey(ClientAddress(r)));
    if (!decision.allowed) return RateLimited(v, decision.retry_after);
    auto found = LookUpNotice(ctx_, options_.station, Get(form, "cf"), Get(form, "avviso"));
    if (!found.ok()) {
      if (found.error().code == ErrorCode::kInvalidArgument) {
        return Message(v, 400, "state_unknown_title", Text(v, "state_unknown"), "danger", "/paga",
                       "another_notice");
      }
      return Message(v, 503, "unavailable_title", Text(v, "unavailable_text"), "danger");
    }
    if (found->state != NoticeState::kPayable) return NoticePage(v, *found);
    CartItem item{found->entity_fiscal_code, found->notice_number};
    std::vector<CartItem> cart = v.cart;
    if (std::find(cart.begin(), cart.end(), item) == cart.end()) {
      if (cart.size() >= kMaxCart) {
        return Message(v, 409, "cart_title", Text(v, "cart_full"), "warning", "/carrello", "cart");
      }
      cart.push_back(item);
    }
    http::Response resp = Redirect(v, "/carrello");
    resp.headers.emplace_back("Set-Cookie", Cookie(kCartCookie, CartCookieValue(cart)));
    return resp;
  }

  http::Response CartRemove(const http::Request& r) {
    Visit v = Begin(r);
    auto form = ParseFormBody(r.body);
    if (!CsrfOk(v, form)) return CsrfRefused(v);
    std::vector<CartItem> cart = v.cart;
    CartItem item{Get(form, "cf"), Get(form, "avviso")};
    cart.erase(std::remove(cart.begin(), cart.end(), item), cart.end());
    http::Response resp = Redirect(v, "/carrello");
    resp.headers.emplace_back("Set-Cookie", Cookie(kCartCookie, CartCookieValue(cart)));
    return resp;
  }

  struct CartLine {
    CartItem item;
    NoticeLookup lookup;
  };

  // The cart's notices as the station sees them now (amounts are always refreshed).
  Result<std::vector<CartLine>> CartLines(const std::vector<CartItem>& cart) const {
    std::vector<CartLine> out;
    for (const CartItem& c : cart) {
      auto found = LookUpNotice(ctx_, options_.station, c.fiscal_code, c.notice_number);
      if (!found.ok()) return found.error();
      out.push_back({c, std::move(*found)});
    }
    return out;
  }

  http::Response CartView(const Visit& v, int status, const std::string& error) const {
    auto lines = CartLines(v.cart);
    if (!lines.ok())
      return Message(v, 503, "unavailable_title", Text(v, "unavailable_text"), "danger");
    Value items;
    std::int64_t total = 0;
    bool all_payable = true;
    for (const CartLine& l : *lines) {
      Value x = NoticeValue(v, l.lookup);
      bool payable = l.lookup.state == NoticeState::kPayable;
      x["payable"] = payable;
      if (!payable) {
        all_payable = false;
        x["subject"] = "";
        x["amount"] = "";
        x["state"] = Text(v, std::string("state_") + ToString(l.lookup.state) + "_title");
      } else {
        total += l.lookup.answer.amount;
      }
      items.push_back(std::move(x));
    }
    Value d;
    d["has_items"] = !lines->empty();
    d["items"] = std::move(items);
    d["total"] = FormatMoney(v.lang, total);
    d["can_pay"] = all_payable && !lines->empty();
    d["cart_info"] = Text(v, "cart_info");
    d["error"] = error;
    return Render(v, status, "cart", std::move(d), Text(v, "cart_title"));
  }

  http::Response CartPage(const http::Request& r) {
    Visit v = Begin(r);
    return CartView(v, 200, "");
  }

  std::string PublicOrigin(const http::Request& r) const {
    if (!options_.public_url.empty()) {
      std::string u = options_.public_url;
      while (!u.empty() && u.back() == '/') u.pop_back();
      return u;
    }
    std::string host = r.Header("host");
    // A Host header is not trusted beyond its syntax: host[:port] characters only.
    if (host.empty() || host.size() > 255 ||
        host.find_first_not_of(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") !=
            std::string::npos) {
      host = "localhost";
    }
    return "http://" + host;
  }

  // POST /carts on pagoPA Checkout (checkout_v1.json CartRequest) and off to its payment page.
  http::Response CartPay(const http::Request& r) {
    Visit v = Begin(r);
    auto form = ParseFormBody(r.body);
    if (!CsrfOk(v, form)) return CsrfRefused(v);
    if (v.cart.empty()) return Redirect(v, "/carrello");
    auto lines = CartLines(v.cart);
    if (!lines.ok())
      return Message(v, 503, "unavailable_title", Text(v, "unavailable_text"), "danger");
    for (const CartLine& l : *lines) {
      if (l.lookup.state != NoticeState::kPayable) return CartView(v, 409, Text(v, "err_form"));
    }
    const std::string checkout = CheckoutUrl();
    if (checkout.empty()) return CartView(v, 503, Text(v, "checkout_unavailable"));
    const std::string id_cart = RandomHex(16);
    const std::string origin = PublicOrigin(r);
    const std::string back = origin + "/pagamento/esito?carrello=" + id_cart + "&esito=";
    json::object body;
    json::array notices;
    for (const CartLine& l : *lines) {
      json::object n;
      n["noticeNumber"] = l.item.notice_number;
      n["fiscalCode"] = l.item.fiscal_code;
      n["amount"] = l.lookup.answer.amount;
      n["companyName"] = l.lookup.answer.company_name;
      n["description"] = l.lookup.answer.payment_description.empty()
                             ? l.lookup.answer.company_name
                             : l.lookup.answer.payment_description;
      notices.push_back(std::move(n));
    }
    body["paymentNotices"] = std::move(notices);
    body["returnUrls"] = json::object{{"returnOkUrl", back + "ok"},
                                      {"returnCancelUrl", back + "annullato"},
                                      {"returnErrorUrl", back + "errore"}};
    body["idCart"] = id_cart;
    http::ClientRequest call;
    call.method = "POST";
    call.url = checkout;
    call.headers = {{"Content-Type", "application/json"}};
    call.body = json::serialize(body);
    call.connect_timeout = std::chrono::milliseconds(3000);
    call.timeout = std::chrono::milliseconds(10000);
    call.max_response_bytes = 64 << 10;
    auto answer = http::HttpCall(call);
    const std::string location = answer.ok() ? answer->Header("location") : std::string();
    if (!answer.ok() || answer->status != 302 ||
        (location.rfind("https://", 0) != 0 && location.rfind("http://", 0) != 0)) {
      return CartView(v, 502, Text(v, "checkout_unavailable"));
    }
    // The notices being paid, for the outcome page: signed, in a cookie (not in the URL).
    std::string paid = id_cart + "|" + CartCookieValue(v.cart);
    http::Response resp = Redirect(v, location);
    resp.headers.emplace_back("Set-Cookie", Cookie(kPaidCookie, paid + "~" + Mac("paid", paid)));
    return resp;
  }

  http::Response Outcome(const http::Request& r) {
    Visit v = Begin(r);
    const std::string esito = Get(r.query, "esito");
    const std::string id_cart = Get(r.query, "carrello");
    Value d;
    std::string title_key;
    if (esito == "ok") {
      title_key = "outcome_ok_title";
      d["message"] = Text(v, "outcome_ok");
      d["alert"] = "success";
    } else if (esito == "annullato") {
      title_key = "outcome_cancel_title";
      d["message"] = Text(v, "outcome_cancel");
      d["alert"] = "info";
    } else {
      title_key = "outcome_ko_title";
      d["message"] = Text(v, "outcome_ko");
      d["alert"] = "danger";
    }
    // The notices of this cart, from the signed cookie set when it was created.
    std::vector<CartItem> paid_items;
    const std::string cookie = Get(v.cookies, std::string(kPaidCookie));
    if (std::size_t tilde = cookie.rfind('~'); tilde != std::string::npos) {
      std::string data = cookie.substr(0, tilde);
      if (ConstantTimeEquals(cookie.substr(tilde + 1), Mac("paid", data))) {
        std::size_t bar = data.find('|');
        if (bar != std::string::npos && data.substr(0, bar) == id_cart) {
          paid_items = ReadCart(data.substr(bar + 1));
        }
      }
    }
    std::vector<CartItem> cart = v.cart;
    Value items;
    bool waiting = false;
    if (esito == "ok") {
      for (const CartItem& c : paid_items) {
        auto receipts = ReceiptsForNotice(ctx_, c.fiscal_code, c.notice_number);
        Value x;
        x["number"] = c.notice_number;
        const bool ready = receipts.ok() && !receipts->empty();
        x["receipt_text"] = Text(v, ready ? "receipt_ready" : "receipt_waiting");
        if (ready) {
          x["receipt_url"] =
              DocumentUrl("ricevuta", c.fiscal_code, receipts->front().receipt.receipt_id);
        }
        waiting = waiting || !ready;
        items.push_back(std::move(x));
        cart.erase(std::remove(cart.begin(), cart.end(), c), cart.end());
      }
    }
    d["has_items"] = items.kind() == Value::Kind::kList;
    d["items"] = std::move(items);
    d["waiting"] = waiting;
    d["refresh_url"] = "/pagamento/esito?esito=ok&carrello=" + UrlEncode(id_cart);
    const bool cart_changed = cart.size() != v.cart.size();
    v.cart = cart;  // the header's count shows the cart without the notices just paid
    http::Response resp = Render(v, 200, "outcome", std::move(d), Text(v, title_key));
    if (cart_changed) {
      resp.headers.emplace_back("Set-Cookie", Cookie(kCartCookie, CartCookieValue(cart)));
    }
    return resp;
  }

  // ---- spontaneous payments ----

  struct ServiceContext {
    Entity entity;
    Service service;
    ServiceForm form;
  };

  std::optional<ServiceContext> FindService(const http::Request& r, bool* db_error) const {
    auto e = ActiveEntityBySlug(r.path_params.at("slug"), db_error);
    if (!e) return std::nullopt;
    auto s = ctx_.store.FindServiceByCode(e->id, r.path_params.at("code"));
    if (!s.ok()) {
      *db_error = true;
      return std::nullopt;
    }
    if (!s->has_value() || !(*s)->active || !(*s)->spontaneous) return std::nullopt;
    auto form = ParseServiceForm((*s)->form_json);
    if (!form.ok()) return std::nullopt;  // a broken definition: the service is not offered
    return ServiceContext{std::move(*e), std::move(**s), std::move(*form)};
  }

  http::Response ServiceView(const Visit& v, int status, const ServiceContext& sc,
                             const std::map<std::string, std::string>& values,
                             const std::map<std::string, std::string>& errors) const {
    Value d;
    d["entity"] = EntityValue(sc.entity);
    Value s;
    s["name"] = sc.service.name;
    s["code"] = UrlEncode(sc.service.code);
    s["description"] = sc.service.description != sc.service.name ? sc.service.description : "";
    s["fixed"] = sc.service.amount_rule == AmountRule::kFixed && !sc.form.quantity &&
                 sc.form.amount_options.empty();
    s["amount_text"] = AmountText(v, sc.service);
    d["service"] = std::move(s);
    auto field = [&](const std::string& name, std::string label, std::string type, bool required,
                     std::string help, int maxlength) {
      Value f;
      f["id"] = "f-" + name;
      f["name"] = name;
      f["label"] = std::move(label);
      f["type"] = std::move(type);
      f["required"] = required;
      f["help"] = std::move(help);
      if (maxlength > 0) f["maxlength"] = std::to_string(maxlength);
      f["value"] = Get(values, name);
      f["error"] = Get(errors, name);
      return f;
    };
    Value payer;
    Value fc =
        field("cf_pagatore", Text(v, "payer_fc"), "text", true, Text(v, "payer_fc_help"), 16);
    fc["autocomplete"] = "off";
    payer.push_back(std::move(fc));
    Value name = field("nome_pagatore", Text(v, "payer_name"), "text", true, "", 70);
    name["autocomplete"] = "name";
    payer.push_back(std::move(name));
    Value mail = field("email_pagatore", Text(v, "payer_email"), "email", false, "", 256);
    mail["autocomplete"] = "email";
    payer.push_back(std::move(mail));
    d["payer_fields"] = std::move(payer);

    Value fields;
    const bool en = v.lang == "en";
    if (sc.form.quantity) {
      const auto& q = *sc.form.quantity;
      Value f =
          field("quantita", q.Label(en).empty() ? Text(v, "quantity") : q.Label(en), "number", true,
                fmt::format("{} × {}", FormatMoney(v.lang, sc.service.amount_cents),
                            q.Label(en).empty() ? Text(v, "quantity") : q.Label(en)),
                0);
      f["inputmode"] = "numeric";
      fields.push_back(std::move(f));
    } else if (!sc.form.amount_options.empty()) {
      Value f = field("importo", Text(v, "amount"), "", true, "", 0);
      f["select"] = true;
      Value opts;
      Value none;
      none["value"] = "";
      none["label"] = Text(v, "choose");
      opts.push_back(std::move(none));
      for (std::size_t i = 0; i < sc.form.amount_options.size(); ++i) {
        const auto& o = sc.form.amount_options[i];
        Value ov;
        ov["value"] = std::to_string(i);
        ov["label"] = o.Label(en) + " - " + FormatMoney(v.lang, o.cents);
        ov["selected"] = Get(values, "importo") == std::to_string(i);
        opts.push_back(std::move(ov));
      }
      f["options"] = std::move(opts);
      fields.push_back(std::move(f));
    } else if (sc.service.amount_rule != AmountRule::kFixed) {
      Value f = field("importo", Text(v, "amount_label"), "text", true,
                      sc.service.amount_rule == AmountRule::kRange ? AmountText(v, sc.service)
                                                                   : Text(v, "amount_help"),
                      20);
      f["inputmode"] = "decimal";
      fields.push_back(std::move(f));
    }
    for (const FormField& ff : sc.form.fields) {
      Value f = field("x_" + ff.name, ff.Label(en), ff.type == "select" ? "" : ff.HtmlType(),
                      ff.required, ff.Help(en), ff.max_length);
      if (ff.type == "select") {
        f["select"] = true;
        Value opts;
        Value none;
        none["value"] = "";
        none["label"] = Text(v, "choose");
        opts.push_back(std::move(none));
        for (const std::string& o : ff.options) {
          Value ov;
          ov["value"] = o;
          ov["label"] = o;
          ov["selected"] = Get(values, "x_" + ff.name) == o;
          opts.push_back(std::move(ov));
        }
        f["options"] = std::move(opts);
      }
      fields.push_back(std::move(f));
    }
    d["service_fields"] = std::move(fields);
    d["form_error"] = errors.empty()          ? std::string()
                      : errors.count("_") > 0 ? errors.at("_")
                                              : Text(v, "err_form");
    return Render(v, status, "service", std::move(d), sc.service.name);
  }

  http::Response ServicePage(const http::Request& r) {
    Visit v = Begin(r);
    bool db_error = false;
    auto sc = FindService(r, &db_error);
    if (db_error)
      return Message(v, 503, "unavailable_title", Text(v, "unavailable_text"), "danger");
    if (!sc) return NotFoundPage(v);
    return ServiceView(v, 200, *sc, {}, {});
  }

  http::Response ServiceSubmit(const http::Request& r) {
    Visit v = Begin(r);
    auto form = ParseFormBody(r.body);
    if (!CsrfOk(v, form)) return CsrfRefused(v);
    bool db_error = false;
    auto sc = FindService(r, &db_error);
    if (db_error)
      return Message(v, 503, "unavailable_title", Text(v, "unavailable_text"), "danger");
    if (!sc) return NotFoundPage(v);
    const bool en = v.lang == "en";
    std::map<std::string, std::string> errors;
    SpontaneousPaymentCommand cmd;
    cmd.entity_slug = sc->entity.slug;
    cmd.service_code = sc->service.code;
    std::string fc = NormalizeFiscalCode(Get(form, "cf_pagatore"));
    if (fc.empty()) {
      errors["cf_pagatore"] = Text(v, "err_required");
    } else if (!ValidateFiscalCode(fc, "cf").ok()) {
      errors["cf_pagatore"] = Text(v, "err_fiscal_code");
    }
    cmd.debtor.type = fc.size() == 11 ? DebtorType::kLegal : DebtorType::kPerson;
    cmd.debtor.fiscal_code = fc;
    std::string name = Get(form, "nome_pagatore");
    while (!name.empty() && name.back() == ' ') name.pop_back();
    while (!name.empty() && name.front() == ' ') name.erase(0, 1);
    if (name.empty()) {
      errors["nome_pagatore"] = Text(v, "err_required");
    } else if (name.size() > 70) {
      errors["nome_pagatore"] = fmt::format(fmt::runtime(Text(v, "err_too_long")), 70);
    }
    cmd.debtor.full_name = name;
    cmd.debtor.email = Get(form, "email_pagatore");
    if (!cmd.debtor.email.empty() &&
        (cmd.debtor.email.size() > 256 || cmd.debtor.email.find('@') == std::string::npos ||
         cmd.debtor.email.find_first_of(" <>\r\n") != std::string::npos)) {
      errors["email_pagatore"] = Text(v, "err_email");
    }
    if (sc->form.quantity) {
      const auto& q = *sc->form.quantity;
      std::string text = Get(form, "quantita");
      std::int64_t n = 0;
      bool ok = !text.empty() && text.size() <= 6 &&
                text.find_first_not_of("0123456789") == std::string::npos;
      if (ok) n = std::stoll(text);
      if (!ok || n < q.min || n > q.max) {
        errors["quantita"] = fmt::format(fmt::runtime(Text(v, "err_number")), q.min, q.max);
      }
      cmd.quantity = n;
    } else if (!sc->form.amount_options.empty()) {
      std::string choice = Get(form, "importo");
      std::size_t i = sc->form.amount_options.size();
      if (!choice.empty() && choice.size() <= 3 &&
          choice.find_first_not_of("0123456789") == std::string::npos) {
        i = std::stoul(choice);
      }
      if (i >= sc->form.amount_options.size()) {
        errors["importo"] = Text(v, "err_choice");
      } else {
        cmd.amount_option = i;
      }
    } else if (sc->service.amount_rule != AmountRule::kFixed) {
      std::string text = Get(form, "importo");
      auto cents = ParseCitizenAmount(text);
      if (text.empty()) {
        errors["importo"] = Text(v, "err_required");
      } else if (!cents.ok()) {
        errors["importo"] = Text(v, "err_amount");
      } else if (sc->service.amount_rule == AmountRule::kRange &&
                 (*cents < sc->service.min_cents || *cents > sc->service.max_cents)) {
        errors["importo"] = fmt::format(fmt::runtime(Text(v, "err_amount_range")),
                                        FormatMoney(v.lang, sc->service.min_cents),
                                        FormatMoney(v.lang, sc->service.max_cents));
      } else {
        cmd.amount = *cents;
      }
    }
    std::string causale;
    for (const FormField& ff : sc->form.fields) {
      std::string value = Get(form, "x_" + ff.name);
      if (auto why = ff.Check(value, en, catalogs_, v.lang)) {
        errors["x_" + ff.name] = *why;
        continue;
      }
      if (value.empty()) continue;
      if (ff.name == "causale") {
        causale = value;
      } else if (cmd.metadata.size() < 10) {
        cmd.metadata.push_back({ff.name, value.substr(0, 140)});
      }
    }
    cmd.remittance = causale;
    if (!errors.empty()) return ServiceView(v, 400, *sc, form, errors);
    cmd.iupd = "WEB-" + RandomHex(12);
    Caller caller{"web", r.request_id};
    auto created = CreateSpontaneousPayment(ctx_, caller, cmd);
    if (!created.ok()) {
      const Error& e = created.error();
      if (e.code == ErrorCode::kInvalidArgument) {
        // The use case's last word: next to its field when the form has one, else at the top.
        if (e.field == "quantity") {
          errors["quantita"] = e.message;
        } else if (e.field == "amount" || e.field == "amountOption") {
          errors["importo"] = e.message;
        }
        errors["_"] = e.message;
        auto resp = ServiceView(v, 400, *sc, form, errors);
        return resp;
      }
      return Message(v, 503, "unavailable_title", Text(v, "unavailable_text"), "danger");
    }
    const PaymentOption& o = created->options.front();
    Value n;
    n["subject"] = o.description;
    n["amount"] = FormatMoney(v.lang, o.amount);
    n["due_date"] = FormatDay(std::chrono::floor<std::chrono::days>(o.due_date));
    n["company"] = sc->entity.name;
    n["number"] = o.nav;
    n["entity_fiscal_code"] = sc->entity.fiscal_code;
    n["pdf_url"] = DocumentUrl("avviso", sc->entity.fiscal_code, o.nav);
    Value d;
    d["notice"] = std::move(n);
    if (Get(form, "azione") == "paga") {
      // Straight to the cart, as if the citizen had looked the new notice up.
      std::vector<CartItem> cart = v.cart;
      CartItem item{sc->entity.fiscal_code, o.nav};
      if (cart.size() < kMaxCart && std::find(cart.begin(), cart.end(), item) == cart.end()) {
        cart.push_back(item);
        http::Response resp = Redirect(v, "/carrello");
        resp.headers.emplace_back("Set-Cookie", Cookie(kCartCookie, CartCookieValue(cart)));
        return resp;
      }
    }
    return Render(v, 201, "created", std::move(d), Text(v, "created_title"));
  }

  // ---- documents (PDF) ----

  // "/documenti/<hex(kind|fc|id|expiry)>.<mac>.pdf": unguessable without the secret, expiring,
  // and holding no personal data (the institution's fiscal code and a notice number or receipt
  // id only, and those hex-encoded so they are not even readable in a log).
  std::string DocumentUrl(std::string_view kind, std::string_view fc, std::string_view id) const {
    if (!options_.documents) return {};
    const auto expiry = (ctx_.clock.Now() + std::chrono::hours{24}).time_since_epoch().count();
    std::string data = fmt::format("{}|{}|{}|{}", kind, fc, id, expiry);
    std::string hex = Hex(reinterpret_cast<const unsigned char*>(data.data()), data.size());
    return "/documenti/" + hex + "." + Mac("doc", data) + ".pdf";
  }

  http::Response Document(const http::Request& r) {
    Visit v = Begin(r);
    std::string file = r.path_params.at("file");
    if (!options_.documents || file.size() < 5 || file.size() > 1200 ||
        file.substr(file.size() - 4) != ".pdf") {
      return NotFoundPage(v);
    }
    file.resize(file.size() - 4);
    std::size_t dot = file.find('.');
    if (dot == std::string::npos || dot % 2 != 0) return NotFoundPage(v);
    std::string data;
    for (std::size_t i = 0; i < dot; i += 2) {
      int hi = HexValue(file[i]), lo = HexValue(file[i + 1]);
      if (hi < 0 || lo < 0) return NotFoundPage(v);
      data += static_cast<char>(hi * 16 + lo);
    }
    if (!ConstantTimeEquals(file.substr(dot + 1), Mac("doc", data))) return NotFoundPage(v);
    std::vector<std::string> parts;
    for (std::size_t pos = 0;;) {
      std::size_t bar = data.find('|', pos);
      parts.push_back(data.substr(pos, bar == std::string::npos ? bar : bar - pos));
      if (bar == std::string::npos) break;
      pos = bar + 1;
    }
    if (parts.size() != 4) return NotFoundPage(v);
    if (std::stoll(parts[3]) < ctx_.clock.Now().time_since_epoch().count()) {
      return Message(v, 410, "not_found_title", Text(v, "link_expired"), "warning");
    }
    Result<std::string> pdf = parts[0] == "avviso"
                                  ? RenderNoticePdf(ctx_, *options_.documents, parts[1], parts[2])
                                  : RenderReceiptPdf(ctx_, *options_.documents, parts[1], parts[2]);
    if (!pdf.ok()) {
      if (pdf.error().code == ErrorCode::kNotFound || pdf.error().code == ErrorCode::kConflict) {
        return Message(v, 409, "not_found_title", Text(v, "document_unavailable"), "warning");
      }
      return Message(v, 503, "unavailable_title", Text(v, "unavailable_text"), "danger");
    }
    http::Response resp;
    resp.status = 200;
    resp.content_type = "application/pdf";
    resp.body = std::move(*pdf);
    resp.headers.emplace_back("Cache-Control", "no-store");
    resp.headers.emplace_back("Content-Disposition",
                              fmt::format("attachment; filename=\"{}-{}.pdf\"",
                                          parts[0] == "avviso" ? "avviso" : "ricevuta",
                                          parts[0] == "avviso" ? parts[2] : std::string("pagopa")));
    return resp;
  }

  // ---- language, assets ----

  http::Response Language(const http::Request& r) {
    Visit v = Begin(r);
    std::string lang = Get(r.query, "l");
    if (!catalogs_.Has(lang)) lang = std::string(kDefaultLanguage);
    std::string back = Get(r.query, "torna");
    // Only a path of this site: no scheme, no "//host", no backslash tricks.
    if (back.empty() || back.front() != '/' || back.rfind("//", 0) == 0 ||
        back.find('\\') != std::string::npos || back.size() > 300 ||
        back.find_first_of("\r\n") != std::string::npos) {
      back = "/";
    }
    http::Response resp = Redirect(v, UrlEncode(back));
    resp.headers.emplace_back(
        "Set-Cookie", fmt::format("{}={}; Path=/; Max-Age=31536000; SameSite=Lax{}", kLangCookie,
                                  lang, SecureCookies() ? "; Secure" : ""));
    return resp;
  }

  http::Response Static(const http::Request& r) const {
    auto it = assets_by_url_.find(r.path_params.at("file"));
    if (it == assets_by_url_.end()) {
      return http::TextResponse(404, "not found\n");
    }
    const EmbeddedAsset& a = *it->second;
    const std::string etag = "\"" + std::string(a.hash) + "\"";
    http::Response resp;
    resp.headers.emplace_back("ETag", etag);
    resp.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
    resp.headers.emplace_back("Vary", "Accept-Encoding");
    resp.headers.emplace_back(
        "Content-Security-Policy",
        "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self' data:");
    if (r.Header("if-none-match") == etag) {
      resp.status = 304;
      return resp;
    }
    resp.status = 200;
    resp.content_type = std::string(a.content_type);
    if (!a.gzip.empty() && r.Header("accept-encoding").find("gzip") != std::string::npos) {
      resp.headers.emplace_back("Content-Encoding", "gzip");
      resp.body.assign(a.gzip.data(), a.gzip.size());
    } else {
      resp.body.assign(a.data.data(), a.data.size());
    }
    return resp;
  }

  AppContext& ctx_;
  PortalOptions options_;
  Catalogs catalogs_;
  TemplateSet templates_;
  mutable RateLimiter limiter_;
  std::string secret_;
  mutable std::mutex mu_;
  std::string checkout_url_;
  std::map<std::string, const EmbeddedAsset*> assets_by_url_;
  std::map<std::string, std::string> asset_urls_;
  Value asset_value_;
};

}  // namespace

std::unique_ptr<Portal> AddPortal(http::Router& router, AppContext& ctx, PortalOptions options) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot start");
  auto portal = std::make_unique<PortalImpl>(ctx, std::move(options));
  portal->AddRoutes(router);
  return portal;
}

}  // namespace incasso::web
