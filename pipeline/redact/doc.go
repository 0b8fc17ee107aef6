// Package redact pseudonymises record text before it leaves the machine and
// restores the answers locally. A Redactor implements pipeline.Privacy: each
// record gets its own Session, in which every detected value is replaced by a
// stable token numbered per kind in order of first appearance (<EMAIL_1>,
// <EMAIL_2>, <CARD_1>), so a model still sees that two mentions are the same
// person or card without seeing the value. Restore maps the tokens of an
// answer back.
//
// Built-in detectors (Config.Detectors): email, phone, iban and card. Custom
// detectors are regular expressions with an upper-case kind name
// (Config.Patterns). Detectors run in a fixed order — card, iban, email,
// phone, then the custom patterns in the order given — and a later detector
// never sees text an earlier one already claimed, so the digits of a card
// number are never taken for a phone number.
//
// Detection heuristics:
//
//   - email: local@domain.tld with a top-level domain of two or more letters;
//     "a@b" is not an address.
//   - card: 13 to 19 digits, optionally grouped by single spaces, dashes or dots,
//     starting with 2–6 (the issuer ranges of Mastercard, Amex, Diners, JCB,
//     Visa, Discover, UnionPay, Maestro) and Luhn-valid.
//   - iban: two letters, two check digits and 11 to 30 letters or digits, in
//     any letter case (fr14 2004 …, Fr14…), compact or in groups of four
//     separated by single spaces, dashes or dots (one kind throughout);
//     valid only when the ISO 13616 mod-97 checksum equals 1.
//   - phone: digit groups separated by at most one space, dash or dot, a
//     group possibly in parentheses, with 8 to 15 digits in all, and one of
//     three structures: international (a leading + or 00, then a non-zero
//     country code); national with a trunk prefix (a first group of at least
//     two digits starting with 0 and a non-zero digit, such as 020 7946 0958
//     or 06 12 34 56 78; a single unseparated run must then have 10 or 11
//     digits); or the North American 3-3-4 form with separators or
//     parentheses and an area code starting with 2–9
//     ((555) 123-4567, 1-800-555-1234). Candidates that start
//     with a date (01.02.2024, 2024-01-15), that touch letters or digits, or
//     that continue a number (a neighbouring ",5" or ".5") are rejected, and
//     a phone number never takes digits from a run shaped as an IBAN or a
//     card number, even one whose checksum fails (a mistyped IBAN is cut
//     into nothing rather than into a phone number and leftover digits).
//     Letters and digits of any script glue; other punctuation (« », °)
//     does not.
//     Amounts such as 1,234.56, times such as 10:30 and order numbers without
//     a separator or trunk prefix (12345678, ORD-2024-000123) therefore do not
//     match.
//
// Restore replaces only tokens the session issued; a token-like text that the
// session never issued is left as it is.
//
// This package imports only pipeline and the standard library.
package redact
