// The citizen portal (issue 6): server-rendered pages with Bootstrap Italia, in Italian and
// English, that work without JavaScript.
//
// Routes: GET / (regional home, ?q= searches institutions), GET /enti/{slug}, GET|POST
// /enti/{slug}/servizi/{code} (spontaneous payment form), GET /paga (?avviso=&cf= prefill), POST
// /paga (notice look-up, rate-limited per client IP), GET /carrello, POST /carrello/aggiungi,
// /carrello/rimuovi, /carrello/paga (creates the cart on pagoPA Checkout and redirects there), GET
// /pagamento/esito (Checkout's return page), GET /documenti/{token}.pdf (notice and receipt PDFs
// behind signed, expiring tokens), GET /lingua (language switch), GET /static/{file}
// (embedded assets, content-hashed names, ETag).
//
// Security: every POST carries a CSRF token (HMAC of a random cookie under the portal secret);
// pages send a strict Content-Security-Policy (no inline script or style) and Cache-Control:
// no-store; look-ups go by POST so notice numbers and fiscal codes never appear in URLs or the
// access log; the cart lives in a signed cookie.
#pragma once

#include <memory>
#include <string>

#include "app/context.hpp"
#include "app/documents.hpp"
#include "app/station.hpp"
#include "web/client_address.hpp"
#include "web/rate_limiter.hpp"

namespace incasso::http {
class Router;
}

namespace incasso::web {

struct PortalOptions {
  // pagoPA Checkout's cart endpoint (POST /carts, checkout_v1.json), http:// or https:// (system
  // CA roots, host name checked); empty: the
  // "pay" button answers that payments are not available.
  std::string checkout_url;
  // The portal's public origin ("https://pagamenti.regione.example"), for Checkout's return URLs
  // and Secure cookies; empty: taken from the request's Host header.
  std::string public_url;
  // Key of the HMACs (CSRF tokens, cart cookie). Empty: random per process (then several
  // instances behind one load balancer refuse each other's forms).
  std::string secret;
  RateLimit lookup_limit;
  // Reverse proxies whose X-Forwarded-For is believed for the look-up rate limit (see
  // client_address.hpp). Empty: the limit is per peer address.
  TrustedProxies trusted_proxies;
  StationConfig station;  // asked as the node asks: the broker and the stations served
  // Renders notice and receipt PDFs (GET /documenti/{token}.pdf, links valid 24 hours, signed;
  // the URL holds no fiscal code of a person). Null: no download links.
  std::shared_ptr<DocumentRenderer> documents;
};

class Portal {
 public:
  virtual ~Portal() = default;
  // The demo's node simulator starts after the routes are registered: its URL comes later.
  // Thread-safe.
  virtual void SetCheckoutUrl(std::string url) = 0;
};

// Registers the routes above; `ctx` and the returned Portal must outlive the router.
std::unique_ptr<Portal> AddPortal(http::Router& router, AppContext& ctx, PortalOptions options);

}  // namespace incasso::web
