#include "render/labels.hpp"

#include <array>

namespace incasso::render {
namespace {

// Columns: it, de, en, fr, sl (NoticeLanguage order, Italian first).
using Row = std::array<std::string, 5>;

const std::array<Row, static_cast<std::size_t>(Label::kCount_)>& Table() {
  static const std::array<Row, static_cast<std::size_t>(Label::kCount_)> table = {{
      {"AVVISO DI PAGAMENTO", "ZAHLUNGSMITTEILUNG", "PAYMENT NOTICE", "AVIS DE PAIEMENT",
       "OBVESTILO O PLAČILU"},
      {"ENTE CREDITORE", "GLÄUBIGERKÖRPERSCHAFT", "CREDITOR INSTITUTION", "ORGANISME CRÉANCIER",
       "UPNIK"},
      {"DESTINATARIO AVVISO", "EMPFÄNGER DER MITTEILUNG", "RECIPIENT", "DESTINATAIRE DE L'AVIS",
       "PREJEMNIK OBVESTILA"},
      {"Cod. Fiscale", "Steuernr.", "Tax code", "Code fiscal", "Davčna št."},
      {"QUANTO E QUANDO PAGARE?", "WIE VIEL UND WANN ZAHLEN?", "HOW MUCH AND WHEN TO PAY?",
       "COMBIEN ET QUAND PAYER ?", "KOLIKO IN KDAJ PLAČATI?"},
      {"DOVE PAGARE?", "WO ZAHLEN?", "WHERE TO PAY?", "OÙ PAYER ?", "KJE PLAČATI?"},
      {"entro il", "bis zum", "by", "avant le", "do"},
      {"senza scadenza", "ohne Fälligkeit", "no due date", "sans échéance", "brez roka plačila"},
      {"L'importo è aggiornato automaticamente dal sistema e potrebbe subire variazioni per "
       "eventuali sgravi, note di credito, indennità di mora, sanzioni o interessi, ecc. Un "
       "operatore, il sito o l'app che userai ti potrebbero quindi chiedere una cifra diversa da "
       "quella qui indicata.",
       "Der Betrag wird vom System automatisch aktualisiert und kann sich durch Erlässe, "
       "Gutschriften, Verzugsentschädigungen, Strafen oder Zinsen ändern. Ein Schalter, die "
       "Website oder die App kann daher einen anderen als den hier angegebenen Betrag verlangen.",
       "The amount is updated automatically and may change because of rebates, credit notes, "
       "late-payment charges, penalties or interest. An operator, the website or the app you use "
       "may therefore ask you for an amount different from the one shown here.",
       "Le montant est mis à jour automatiquement et peut varier en raison de remises, d'avoirs, "
       "d'indemnités de retard, de sanctions ou d'intérêts. Un guichet, le site ou l'application "
       "que vous utiliserez peut donc vous demander un montant différent de celui indiqué ici.",
       "Znesek se samodejno posodablja in se lahko spremeni zaradi olajšav, dobropisov, "
       "zamudnin, kazni ali obresti. Operater, spletna stran ali aplikacija vas lahko zato prosi "
       "za drugačen znesek od tukaj navedenega."},
      {"Puoi pagare con una unica rata o in {} rate.",
       "Du kannst mit einer Einmalzahlung oder in {} Raten zahlen.",
       "You can pay in a single payment or in {} instalments.",
       "Vous pouvez payer en une seule fois ou en {} échéances.",
       "Plačaš lahko enkratno ali v {} obrokih."},
      {"Puoi pagare in {} rate.", "Du kannst in {} Raten zahlen.", "You can pay in {} instalments.",
       "Vous pouvez payer en {} échéances.", "Plačaš lahko v {} obrokih."},
      {"Lista dei canali di pagamento su www.pagopa.gov.it",
       "Liste der Zahlungskanäle auf www.pagopa.gov.it",
       "List of payment channels at www.pagopa.gov.it",
       "Liste des canaux de paiement sur www.pagopa.gov.it",
       "Seznam plačilnih kanalov na www.pagopa.gov.it"},
      {"PAGA SUL SITO O CON LE APP", "ONLINE ODER MIT DEN APPS ZAHLEN",
       "PAY ONLINE OR WITH THE APPS", "PAYEZ EN LIGNE OU AVEC LES APPLIS",
       "PLAČAJ NA SPLETU ALI Z APLIKACIJAMI"},
      {"del tuo Ente Creditore, della tua Banca o degli altri canali di pagamento. Potrai pagare "
       "con carte, conto corrente, CBILL.",
       "deiner Gläubigerkörperschaft, deiner Bank oder der anderen Zahlungskanäle. Du kannst mit "
       "Karte, Konto oder CBILL zahlen.",
       "of your creditor institution, your bank or the other payment channels. You can pay by "
       "card, bank account or CBILL.",
       "de votre organisme créancier, de votre banque ou des autres canaux de paiement. Vous "
       "pouvez payer par carte, compte bancaire ou CBILL.",
       "tvojega upnika, tvoje banke ali drugih plačilnih kanalov. Plačaš lahko s kartico, z "
       "bančnim računom ali prek CBILL."},
      {"PAGA SUL TERRITORIO", "VOR ORT ZAHLEN", "PAY IN PERSON", "PAYEZ SUR PLACE",
       "PLAČAJ NA OKENCU"},
      {"in tutti gli Uffici Postali, in Banca, in Ricevitoria, dal Tabaccaio, al Bancomat, al "
       "Supermercato. Potrai pagare in contanti, con carte o conto corrente.",
       "in allen Postämtern, Banken, Annahmestellen, Tabakläden, an Geldautomaten und in "
       "Supermärkten. Du kannst bar, mit Karte oder vom Konto zahlen.",
       "at post offices, banks, lottery outlets, tobacconists, ATMs and supermarkets. You can pay "
       "in cash, by card or from a bank account.",
       "dans les bureaux de poste, les banques, les points de vente agréés, les bureaux de tabac, "
       "aux distributeurs et dans les supermarchés. Vous pouvez payer en espèces, par carte ou "
       "par compte.",
       "na vseh poštah, v bankah, loterijskih točkah, trafikah, na bankomatih in v "
       "supermarketih. Plačaš lahko z gotovino, s kartico ali z bančnim računom."},
      {"Utilizza la porzione di avviso relativa al canale di pagamento che preferisci.",
       "Verwende den Teil der Mitteilung für den Zahlungskanal, den du bevorzugst.",
       "Use the part of the notice for the payment channel you prefer.",
       "Utilisez la partie de l'avis correspondant au canal de paiement que vous préférez.",
       "Uporabi del obvestila, ki ustreza plačilnemu kanalu, ki ga izbereš."},
      {"BANCHE E ALTRI CANALI", "BANKEN UND ANDERE KANÄLE", "BANKS AND OTHER CHANNELS",
       "BANQUES ET AUTRES CANAUX", "BANKE IN DRUGI KANALI"},
      {"RATA UNICA", "EINMALZAHLUNG", "SINGLE PAYMENT", "PAIEMENT UNIQUE", "ENKRATNO PLAČILO"},
      {"RATA", "RATE", "INSTALMENT", "ÉCHÉANCE", "OBROK"},
      {"Qui accanto trovi il codice QR e il codice interbancario CBILL per pagare attraverso il "
       "circuito bancario e gli altri canali di pagamento abilitati.",
       "Daneben findest du den QR-Code und den CBILL-Interbankencode, um über Banken und die "
       "anderen zugelassenen Zahlungskanäle zu zahlen.",
       "Next to this you find the QR code and the interbank CBILL code to pay through banks and "
       "the other enabled payment channels.",
       "Ci-contre, le code QR et le code interbancaire CBILL pour payer auprès des banques et des "
       "autres canaux de paiement habilités.",
       "Ob tem najdeš kodo QR in medbančno kodo CBILL za plačilo prek bank in drugih omogočenih "
       "plačilnih kanalov."},
      {"Destinatario", "Empfänger", "Recipient", "Destinataire", "Prejemnik"},
      {"Ente Creditore", "Gläubigerkörperschaft", "Creditor institution", "Organisme créancier",
       "Upnik"},
      {"Oggetto del pagamento", "Zahlungsgrund", "Payment subject", "Objet du paiement",
       "Namen plačila"},
      {"Codice CBILL", "CBILL-Code", "CBILL code", "Code CBILL", "Koda CBILL"},
      {"Codice Avviso", "Mitteilungscode", "Notice code", "Code de l'avis", "Koda obvestila"},
      {"Cod. Fiscale Ente Creditore", "Steuernr. Gläubiger", "Creditor tax code",
       "Code fiscal créancier", "Davčna št. upnika"},
      {"BOLLETTINO POSTALE PA", "POSTERLAGSCHEIN PA", "POSTAL PAYMENT SLIP PA",
       "BULLETIN POSTAL PA", "POŠTNA POLOŽNICA PA"},
      {"Bollettino Postale pagabile in tutti gli Uffici Postali e sui canali fisici o digitali "
       "abilitati di Poste Italiane e dell'Ente Creditore",
       "Zahlbar in allen Postämtern und über die zugelassenen physischen oder digitalen Kanäle "
       "der Poste Italiane und der Gläubigerkörperschaft",
       "Payable at all post offices and on the enabled physical or digital channels of Poste "
       "Italiane and of the creditor institution",
       "Payable dans tous les bureaux de poste et sur les canaux physiques ou numériques "
       "habilités de Poste Italiane et de l'organisme créancier",
       "Plačljivo na vseh poštah in prek omogočenih fizičnih ali digitalnih kanalov Poste "
       "Italiane in upnika"},
      {"sul C/C n.", "auf Konto Nr.", "to account no.", "sur le CCP n°", "na račun št."},
      {"Intestato a", "Inhaber", "Account holder", "Titulaire", "Imetnik"},
      {"Tipo", "Typ", "Type", "Type", "Vrsta"},
      {"PAGAMENTO RATEALE", "RATENZAHLUNG", "PAYMENT BY INSTALMENTS", "PAIEMENT ÉCHELONNÉ",
       "PLAČILO NA OBROKE"},
      {"Pagina", "Seite", "Page", "Page", "Stran"},
      {"Le rate sono nelle pagine seguenti.", "Die Raten stehen auf den folgenden Seiten.",
       "The instalments are on the following pages.",
       "Les échéances figurent sur les pages suivantes.", "Obroki so na naslednjih straneh."},
      {"Importo", "Betrag", "Amount", "Montant", "Znesek"},
  }};
  return table;
}

}  // namespace

const std::string& Text(Label label, NoticeLanguage language) {
  return Table()[static_cast<std::size_t>(label)][static_cast<std::size_t>(language)];
}

std::string Both(Label label, NoticeLanguage language) {
  if (language == NoticeLanguage::kItalianOnly) return Text(label, language);
  return Text(label, NoticeLanguage::kItalianOnly) + " / " + Text(label, language);
}

}  // namespace incasso::render
