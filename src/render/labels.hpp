// The printed texts of a payment notice in Italian and in the second languages pagoPA's notice
// guide provides (German, English, French, Slovenian).
#pragma once

#include <string>

#include "domain/notice_document.hpp"

namespace incasso::render {

enum class Label {
  kNoticeTitle,
  kCreditor,
  kRecipient,
  kFiscalCode,
  kHowMuchWhen,
  kWhere,
  kDueBy,
  kNoDueDate,
  kAmountNote,
  kInstalmentsOrSingle,  // "{}" = number of instalments
  kInstalmentsOnly,      // "{}" = number of instalments
  kChannelsList,
  kPayOnline,
  kPayOnlineText,
  kPayInPerson,
  kPayInPersonText,
  kUsePortion,
  kBanks,
  kSingle,
  kInstalment,
  kBankText,
  kRecipientShort,
  kCreditorShort,
  kSubject,
  kCbill,
  kNoticeCode,
  kCreditorFiscalCode,
  kPostal,
  kPostalText,
  kOnAccount,
  kHolder,
  kType,
  kInstalmentsTitle,
  kPage,
  kInstalmentPlan,
  kAmount,
  kCount_,
};

// The label in `language` (kItalianOnly = Italian).
const std::string& Text(Label label, NoticeLanguage language);
// Italian, or "Italian / second" for a bilingual notice: for short labels.
std::string Both(Label label, NoticeLanguage language);

}  // namespace incasso::render
