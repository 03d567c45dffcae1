#include "nodesim/simulator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "core/money.hpp"
#include "log/log.hpp"
#include "nodesim/codec.hpp"
#include "nodesim/node_for_pa.hpp"
#include "nodesim/pay_steps.hpp"

namespace incasso::nodesim {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxText = 140;  // companyName, description (checkout PaymentNotice)
constexpr std::size_t kMaxUrl = 2048;
constexpr std::size_t kMaxIdCart = 210;  // it travels as paymentNote, stText210 (paForNode.xsd)

struct CartNotice {
  std::string notice_number;
  std::string fiscal_code;
  std::int64_t amount_cents = 0;
  std::string company_name;
  std::string description;
};

enum class CartState { kOpen, kPaying, kPaid, kFailed, kCancelled };

struct Cart {
  std::string id;
  std::string csrf;
  int version = 1;
  std::vector<CartNotice> notices;
  std::string ok_url, cancel_url, error_url, waiting_url;
  std::string id_cart;
  std::string email;
  bool all_ccp = false;
  CartState state = CartState::kOpen;
};

// ---- CartRequest validation (checkout_v1.json / checkout_v2.json) ----

bool AllDigits(std::string_view s, std::size_t n) {
  return s.size() == n &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// UTF-8 code points, for maxLength (JSON Schema counts characters, not bytes).
std::size_t Utf8Length(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

Result<std::string> StringField(const json::object& o, std::string_view key, std::string field,
                                bool required) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (required) return InvalidArgument(std::move(field), "is required");
    return std::string();
  }
  if (!v->is_string()) return InvalidArgument(std::move(field), "must be a string");
  return std::string(v->as_string());
}

// An absolute http(s) URL the browser can be sent to (format "uri" in the spec).
Status CheckUrl(const std::string& url, const std::string& field) {
  const bool http = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
  if (!http || url.size() > kMaxUrl || HasControl(url) || url.find(' ') != std::string::npos) {
    return InvalidArgument(field, "must be an absolute http:// or https:// URL");
  }
  return Ok();
}

Result<Cart> ParseCart(std::string_view body, int version) {
  json::error_code ec;
  json::value doc = json::parse(json::string_view(body.data(), body.size()), ec);
  if (ec) return InvalidArgument("body", "is not valid JSON");
  if (!doc.is_object()) return InvalidArgument("body", "must be a JSON object (CartRequest)");
  const json::object& o = doc.as_object();
  Cart cart;
  cart.version = version;

  const json::value* notices = o.if_contains("paymentNotices");
  if (notices == nullptr || notices->is_null()) {
    return InvalidArgument("paymentNotices", "is required");
  }
  if (!notices->is_array() || notices->as_array().empty() || notices->as_array().size() > 5) {
    return InvalidArgument("paymentNotices", "must be an array of 1 to 5 payment notices");
  }
  const json::array& list = notices->as_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string base = fmt::format("paymentNotices[{}]", i);
    if (!list[i].is_object()) return InvalidArgument(base, "must be an object");
    const json::object& n = list[i].as_object();
    CartNotice notice;
    auto s = StringField(n, "noticeNumber", base + ".noticeNumber", true);
    if (!s.ok()) return s.error();
    if (!AllDigits(*s, 18)) return InvalidArgument(base + ".noticeNumber", "must be 18 digits");
    notice.notice_number = *s;
    s = StringField(n, "fiscalCode", base + ".fiscalCode", true);
    if (!s.ok()) return s.error();
    if (!AllDigits(*s, 11)) return InvalidArgument(base + ".fiscalCode", "must be 11 digits");
    notice.fiscal_code = *s;
    const json::value* amount = n.if_contains("amount");
    if (amount == nullptr || amount->is_null()) {
      return InvalidArgument(base + ".amount", "is required");
    }
    std::int64_t cents = 0;
    if (amount->is_int64()) {
      cents = amount->as_int64();
    } else if (amount->is_uint64() &&
               amount->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
      cents = static_cast<std::int64_t>(amount->as_uint64());
    } else {
      return InvalidArgument(base + ".amount", "must be an integer number of euro cents");
    }
    if (cents < kMinAmountCents || cents > kMaxAmountCents) {
      return InvalidArgument(base + ".amount", "must be between 1 and 99999999999 euro cents");
    }
    notice.amount_cents = cents;
    s = StringField(n, "companyName", base + ".companyName", true);
    if (!s.ok()) return s.error();
    if (Utf8Length(*s) > kMaxText || HasControl(*s)) {
      return InvalidArgument(base + ".companyName", "must be at most 140 characters");
    }
    notice.company_name = *s;
    s = StringField(n, "description", base + ".description", true);
    if (!s.ok()) return s.error();
    if (Utf8Length(*s) > kMaxText || HasControl(*s)) {
      return InvalidArgument(base + ".description", "must be at most 140 characters");
    }
    notice.description = *s;
    for (const CartNotice& other : cart.notices) {
      if (other.notice_number == notice.notice_number && other.fiscal_code == notice.fiscal_code) {
        return InvalidArgument(base + ".noticeNumber", "is already in the cart");
      }
    }
    cart.notices.push_back(std::move(notice));
  }

  const json::value* urls = o.if_contains("returnUrls");
  if (urls == nullptr || urls->is_null()) return InvalidArgument("returnUrls", "is required");
  if (!urls->is_object()) return InvalidArgument("returnUrls", "must be an object");
  const json::object& u = urls->as_object();
  struct UrlField {
    const char* key;
    std::string* target;
    bool required;
  };
  const UrlField url_fields[] = {{"returnOkUrl", &cart.ok_url, true},
                                 {"returnCancelUrl", &cart.cancel_url, true},
                                 {"returnErrorUrl", &cart.error_url, true},
                                 {"returnWaitingUrl", &cart.waiting_url, version == 2}};
  for (const UrlField& f : url_fields) {
    const std::string field = std::string("returnUrls.") + f.key;
    auto s = StringField(u, f.key, field, f.required);
    if (!s.ok()) return s.error();
    if (s->empty() && !f.required) continue;
    if (auto st = CheckUrl(*s, field); !st.ok()) return st.error();
    *f.target = *s;
  }

  auto id_cart = StringField(o, "idCart", "idCart", false);
  if (!id_cart.ok()) return id_cart.error();
  if (o.if_contains("idCart") != nullptr && !o.at("idCart").is_null() &&
      (id_cart->empty() || Utf8Length(*id_cart) > kMaxIdCart || HasControl(*id_cart))) {
    return InvalidArgument("idCart", "must be 1 to 210 characters");
  }
  cart.id_cart = *id_cart;

  auto email = StringField(o, "emailNotice", "emailNotice", false);
  if (!email.ok()) return email.error();
  if (!email->empty()) {
    const std::size_t at = email->find('@');
    if (at == std::string::npos || at == 0 || at + 1 >= email->size() || email->size() > 256 ||
        HasControl(*email) || email->find(' ') != std::string::npos) {
      return InvalidArgument("emailNotice", "must be an e-mail address");
    }
  }
  cart.email = *email;

  // allCCP is a boolean; the spec's own example sends "false", so that string form is accepted.
  if (const json::value* ccp = o.if_contains("allCCP"); ccp != nullptr && !ccp->is_null()) {
    if (ccp->is_bool()) {
      cart.all_ccp = ccp->as_bool();
    } else if (ccp->is_string() && (ccp->as_string() == "true" || ccp->as_string() == "false")) {
      cart.all_ccp = ccp->as_string() == "true";
    } else {
      return InvalidArgument("allCCP", "must be a boolean");
    }
  }
  return cart;
}

// ---- the payment page ----

std::string Euro(std::int64_t cents) { return "€ " + FormatAmountItalian(cents); }

std::string PageShell(std::string_view title, std::string_view content) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"it\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{} – pagoPA (simulatore)</title>\n"
      "<link rel=\"stylesheet\" href=\"/checkout/assets/checkout.css\">\n</head>\n<body>\n"
      "<header><p class=\"brand\">pagoPA <span>simulatore di incasso</span></p></header>\n"
      "<main>\n{}</main>\n</body>\n</html>\n",
      EscapeHtml(title), content);
}

std::string StateText(CartState state) {
  switch (state) {
    case CartState::kOpen:
      return "da pagare";
    case CartState::kPaying:
      return "pagamento in corso";
    case CartState::kPaid:
      return "pagato";
    case CartState::kFailed:
      return "non riuscito";
    case CartState::kCancelled:
      return "annullato";
  }
  return "";
}

std::string CartPage(const Cart& cart) {
  std::int64_t total = 0;
  std::string items;
  for (const CartNotice& n : cart.notices) {
    total += n.amount_cents;
    items += fmt::format(
        "<li>\n<h3>{}</h3>\n<p>{}</p>\n<dl>\n"
        "<dt>Codice avviso</dt><dd>{}</dd>\n"
        "<dt>Codice fiscale ente</dt><dd>{}</dd>\n"
        "<dt>Importo</dt><dd>{}</dd>\n</dl>\n</li>\n",
        EscapeHtml(n.company_name), EscapeHtml(n.description), EscapeHtml(n.notice_number),
        EscapeHtml(n.fiscal_code), Euro(n.amount_cents));
  }
  std::string content = fmt::format(
      "<h1>Riepilogo del pagamento</h1>\n"
      "<p class=\"note\">Ambiente simulato: nessun pagamento reale viene eseguito.</p>\n"
      "<section aria-labelledby=\"avvisi\">\n<h2 id=\"avvisi\">Avvisi ({})</h2>\n"
      "<ul class=\"notices\">\n{}</ul>\n"
      "<p class=\"total\">Totale da pagare: <strong>{}</strong></p>\n</section>\n",
      cart.notices.size(), items, Euro(total));
  if (cart.state != CartState::kOpen) {
    content += fmt::format("<p class=\"state\" role=\"status\">Stato del pagamento: {}.</p>\n",
                           StateText(cart.state));
    return PageShell("Riepilogo del pagamento", content);
  }
  const std::string action = fmt::format("/checkout/carts/{}", EscapeHtml(cart.id));
  const std::string csrf = EscapeHtml(cart.csrf);
  std::string email_field;
  if (cart.email.empty()) {
    email_field =
        "<p><label for=\"email\">Email per ricevere l'esito (facoltativa)</label>\n"
        "<input type=\"email\" id=\"email\" name=\"email\" autocomplete=\"email\"></p>\n";
  } else {
    email_field =
        fmt::format("<p>L'esito sarà inviato a <strong>{}</strong>.</p>\n", EscapeHtml(cart.email));
  }
  content += fmt::format(
      "<section aria-labelledby=\"azioni\">\n<h2 id=\"azioni\">Come vuoi procedere?</h2>\n"
      "<form method=\"post\" action=\"{0}\" class=\"pay\">\n"
      "<input type=\"hidden\" name=\"csrf\" value=\"{1}\">\n"
      "<input type=\"hidden\" name=\"action\" value=\"pay\">\n{2}"
      "<button type=\"submit\">Paga {3}</button>\n</form>\n"
      "<form method=\"post\" action=\"{0}\">\n"
      "<input type=\"hidden\" name=\"csrf\" value=\"{1}\">\n"
      "<input type=\"hidden\" name=\"action\" value=\"cancel\">\n"
      "<button type=\"submit\" class=\"secondary\">Annulla</button>\n</form>\n"
      "<form method=\"post\" action=\"{0}\">\n"
      "<input type=\"hidden\" name=\"csrf\" value=\"{1}\">\n"
      "<input type=\"hidden\" name=\"action\" value=\"error\">\n"
      "<button type=\"submit\" class=\"secondary\">Simula errore</button>\n</form>\n"
      "</section>\n",
      action, csrf, email_field, Euro(total));
  return PageShell("Riepilogo del pagamento", content);
}

constexpr std::string_view kStyleSheet = R"(:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  font-size: 1.05rem; line-height: 1.5; color: #17324d; background: #f5f6f7; }
header { background: #0066cc; color: #fff; padding: .75rem 1rem; }
.brand { margin: 0; font-weight: 700; font-size: 1.25rem; }
.brand span { font-weight: 400; font-size: 1rem; }
main { max-width: 40rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.2rem; }
h3 { font-size: 1.05rem; margin: 0 0 .25rem; }
.note { background: #fff4d6; border-left: 4px solid #a66300; padding: .5rem .75rem; }
.notices { list-style: none; padding: 0; margin: 0; }
.notices li { background: #fff; border: 1px solid #c5c7c9; border-radius: 4px; padding: .75rem;
  margin-bottom: .75rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem .75rem; margin: .5rem 0 0; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
.total { font-size: 1.2rem; }
form { margin: 0 0 .75rem; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
input[type=email] { width: 100%; padding: .6rem; font-size: 1rem; border: 1px solid #5c6f82;
  border-radius: 4px; }
button { width: 100%; min-height: 3rem; font-size: 1.05rem; font-weight: 600; border-radius: 4px;
  border: 2px solid #0066cc; background: #0066cc; color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #0066cc; }
button:focus-visible, input:focus-visible { outline: 3px solid #f90; outline-offset: 2px; }
)";

http::Response HtmlPage(int status, std::string body) {
  return http::TextResponse(status, std::move(body), "text/html; charset=utf-8");
}

http::Response Redirect(int status, std::string location) {
  http::Response r;
  r.status = status;
  r.headers.emplace_back("Location", std::move(location));
  return r;
}

http::Response MessagePage(int status, std::string_view title, std::string_view text) {
  return HtmlPage(status, PageShell(title, fmt::format("<h1>{}</h1>\n<p>{}</p>\n",
                                                       EscapeHtml(title), EscapeHtml(text))));
}

// "http://<Host>" when the Host header is a plain host[:port], else "" (a relative Location).
std::string SelfOrigin(const http::Request& request) {
  const std::string host = request.Header("Host");
  if (host.empty() || host.size() > 255) return {};
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) return {};
  }
  return "http://" + host;
}

class Simulator final : public NodeSimulator {
 public:
  Simulator(SimulatorOptions options, const Clock& clock)
      : options_(std::move(options)), clock_(clock), random_(options_.random_seed) {}

  void AddRoutes(http::Router& router) override {
    router.Add("POST", "/checkout/ec/v1/carts",
               [this](const http::Request& r) { return PostCart(r, 1); });
    router.Add("POST", "/checkout/ec/v2/carts",
               [this](const http::Request& r) { return PostCart(r, 2); });
    router.Add("GET", "/checkout/carts/{cartId}",
               [this](const http::Request& r) { return GetCart(r); });
    router.Add("POST", "/checkout/carts/{cartId}",
               [this](const http::Request& r) { return PostCartAction(r); });
    router.Add("GET", "/checkout/assets/checkout.css", [](const http::Request&) {
      http::Response r =
          http::TextResponse(200, std::string(kStyleSheet), "text/css; charset=utf-8");
      r.headers.emplace_back("Cache-Control", "max-age=3600");
      return r;
    });
    router.Add("POST", "/nodo/nodeForPa", [this](const http::Request& r) {
      return HandleNodeForPa(r, {options_.broker_id, options_.station_id}, ledger_);
    });
  }

  FdrLedger& ledger() override { return ledger_; }

 private:
  http::Response PostCart(const http::Request& request, int version) {
    auto cart = ParseCart(request.body, version);
    if (!cart.ok()) {
      return http::ProblemJson(400, "Bad Request", cart.error().ToText(), request.request_id);
    }
    cart->id = random_.Next(32);
    cart->csrf = random_.Next(32);
    const std::string location = SelfOrigin(request) + "/checkout/carts/" + cart->id;
    {
      std::lock_guard lock(mu_);
      order_.push_back(cart->id);
      carts_.emplace(cart->id, std::move(cart).value());
      while (carts_.size() > options_.max_carts && !order_.empty()) {
        carts_.erase(order_.front());
        order_.pop_front();
      }
    }
    return Redirect(302, location);
  }

  http::Response GetCart(const http::Request& request) {
    std::optional<Cart> cart = Find(request.path_params.at("cartId"));
    if (!cart)
      return MessagePage(404, "Carrello non trovato", "Il carrello non esiste o è scaduto.");
    return HtmlPage(200, CartPage(*cart));
  }

  http::Response PostCartAction(const http::Request& request) {
    const std::string id = request.path_params.at("cartId");
    const auto form = ParseForm(request.body);
    const auto field = [&form](const char* key) {
      auto it = form.find(key);
      return it == form.end() ? std::string() : it->second;
    };
    const std::string action = field("action");
    Cart cart;
    {
      std::lock_guard lock(mu_);
      auto it = carts_.find(id);
      if (it == carts_.end()) {
        return MessagePage(404, "Carrello non trovato", "Il carrello non esiste o è scaduto.");
      }
      if (!SecretEquals(field("csrf"), it->second.csrf)) {
        return MessagePage(403, "Richiesta non valida",
                           "La pagina è scaduta o la richiesta non proviene da questa pagina. "
                           "Torna al riepilogo e riprova.");
      }
      if (action != "pay" && action != "cancel" && action != "error") {
        return MessagePage(400, "Richiesta non valida", "Azione sconosciuta.");
      }
      if (it->second.state != CartState::kOpen) {
        return MessagePage(409, "Pagamento già concluso",
                           "Questo carrello è già stato pagato, annullato o è in corso.");
      }
      it->second.state = action == "cancel" ? CartState::kCancelled : CartState::kPaying;
      cart = it->second;
    }
    if (action == "cancel") {
      log::LogEvent(log::Level::kInfo, "nodesim_cart", {{"cart", id}, {"outcome", "cancelled"}});
      return Redirect(303, cart.cancel_url);
    }
    const bool paid = Pay(cart, action == "pay");
    SetState(id, paid ? CartState::kPaid : CartState::kFailed);
    return Redirect(303, paid ? cart.ok_url : cart.error_url);
  }

  // Activates every notice, then (if `pay` and all were activated) sends every receipt. True when
  // all receipts were accepted.
  bool Pay(const Cart& cart, bool pay) {
    std::vector<PayRequest> requests;
    std::vector<Activation> activations;
    bool activated = true;
    for (const CartNotice& n : cart.notices) {
      PayRequest req;
      req.station_url = options_.station_url;
      req.ec_fiscal_code = n.fiscal_code;
      req.notice_number = n.notice_number;
      req.broker_id = options_.broker_id;
      req.station_id = options_.station_id;
      req.version = 2;
      req.psp = options_.psp;
      req.payment_note = cart.id_cart;  // Checkout echoes idCart as paymentNote (§1.3)
      req.postal = cart.all_ccp;        // allCCP=true -> transferType POSTAL (§1.3)
      req.timeout = options_.station_timeout;
      Activation a = ActivateNotice(req, random_);
      LogSteps(cart, n, a.steps);
      activated = activated && a.ok;
      requests.push_back(std::move(req));
      activations.push_back(std::move(a));
      if (!activated) break;
    }
    if (!activated || !pay) {
      log::LogEvent(log::Level::kInfo, "nodesim_cart",
                    {{"cart", cart.id}, {"outcome", activated ? "payment_refused" : "ko"}});
      return false;
    }
    const TimePoint paid_at = clock_.Now();
    bool all_accepted = true;
    for (std::size_t i = 0; i < requests.size(); ++i) {
      ReceiptDelivery d = SendReceipt(requests[i], activations[i], paid_at);
      LogSteps(cart, cart.notices[i], {d.step});
      if (d.receipt) {
        ledger_.Add(std::move(*d.receipt));
      } else {
        all_accepted = false;
      }
    }
    log::LogEvent(log::Level::kInfo, "nodesim_cart",
                  {{"cart", cart.id}, {"outcome", all_accepted ? "paid" : "receipt_refused"}});
    return all_accepted;
  }

  static void LogSteps(const Cart& cart, const CartNotice& notice,
                       const std::vector<PayStep>& steps) {
    for (const PayStep& s : steps) {
      log::LogEvent(s.outcome == "OK" ? log::Level::kInfo : log::Level::kWarn, "nodesim_step",
                    {{"cart", cart.id},
                     {"fiscal_code", notice.fiscal_code},
                     {"notice_number", notice.notice_number},
                     {"operation", s.operation},
                     {"outcome", s.outcome},
                     {"fault_code", s.fault_code},
                     {"description", s.description},
                     {"duration_ms", static_cast<std::int64_t>(s.elapsed.count())}});
    }
  }

  std::optional<Cart> Find(const std::string& id) const {
    std::lock_guard lock(mu_);
    auto it = carts_.find(id);
    if (it == carts_.end()) return std::nullopt;
    return it->second;
  }

  void SetState(const std::string& id, CartState state) {
    std::lock_guard lock(mu_);
    auto it = carts_.find(id);
    if (it != carts_.end()) it->second.state = state;
  }

  const SimulatorOptions options_;
  const Clock& clock_;
  RandomHex random_;
  FdrLedger ledger_;
  mutable std::mutex mu_;
  std::map<std::string, Cart> carts_;
  std::deque<std::string> order_;  // cart ids, oldest first
};

}  // namespace

std::unique_ptr<NodeSimulator> NewNodeSimulator(SimulatorOptions options, const Clock& clock) {
  return std::make_unique<Simulator>(std::move(options), clock);
}

}  // namespace incasso::nodesim
