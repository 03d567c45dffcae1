// The two halves of PayNotice (internal to src/nodesim): Checkout activates every notice of a cart
// before the payment and sends the receipts only after it, so a cart is paid whole or not at all.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nodesim/pay.hpp"
#include "nodesim/station_messages.hpp"

namespace incasso::nodesim {

struct Activation {
  std::vector<PayStep> steps;  // paVerifyPaymentNotice, paGetPayment(V2)
  bool ok = false;             // both OK and their data usable
  VerifyInfo info;
  StationPayment payment;
  std::string payment_token;  // set when ok
};

// paVerifyPaymentNotice then paGetPayment(V2) (request.pay is not used).
Activation ActivateNotice(const PayRequest& request, RandomHex& random);

struct ReceiptDelivery {
  PayStep step;                             // paSendRT(V2)
  std::optional<DeliveredReceipt> receipt;  // when the station answered OK
};

// paSendRT(V2) for an activated notice paid at `paid_at`. Precondition: activation.ok.
ReceiptDelivery SendReceipt(const PayRequest& request, const Activation& activation,
                            TimePoint paid_at);

}  // namespace incasso::nodesim
