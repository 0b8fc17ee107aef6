package cardfraud

import "time"

// Transaction is one card-not-present payment as the data warehouse logged it,
// with the label that chargebacks and confirmed reports established later.
//
// The parquet tags follow github.com/xitongsys/parquet-go; column names are the
// ones an experiment file refers to.
type Transaction struct {
	// TxnID identifies the transaction ("T0000001"), in time order.
	TxnID string `parquet:"name=txn_id, type=BYTE_ARRAY, convertedtype=UTF8"`
	// CreatedAt is when the payment was authorised, in milliseconds since the
	// Unix epoch (UTC); the Parquet column is a TIMESTAMP_MILLIS.
	CreatedAt int64 `parquet:"name=created_at, type=INT64, convertedtype=TIMESTAMP_MILLIS"`
	// CustomerID identifies the cardholder's account ("C000123"; "QA0001" for
	// the quality-assurance accounts behind test transactions).
	CustomerID string `parquet:"name=customer_id, type=BYTE_ARRAY, convertedtype=UTF8"`
	// Country is the ISO 3166 code of the country that issued the card.
	Country string `parquet:"name=country, type=BYTE_ARRAY, convertedtype=UTF8"`
	// MerchantCountry is the ISO 3166 code of the merchant's country.
	MerchantCountry string `parquet:"name=merchant_country, type=BYTE_ARRAY, convertedtype=UTF8"`
	// Channel is "web", "app", "moto" (mail or telephone order) or "test" (a
	// quality-assurance transaction that an experiment should filter out).
	Channel string `parquet:"name=channel, type=BYTE_ARRAY, convertedtype=UTF8"`
	// MerchantCategory is the merchant's business: grocery, restaurants,
	// fashion, home, electronics, travel, digital_goods, subscriptions, gambling.
	MerchantCategory string `parquet:"name=merchant_category, type=BYTE_ARRAY, convertedtype=UTF8"`
	// Amount is the payment amount in EUR, rounded to cents.
	Amount float64 `parquet:"name=amount, type=DOUBLE"`
	// AccountAgeDays is the number of whole days since the account was opened.
	AccountAgeDays int64 `parquet:"name=account_age_days, type=INT64"`
	// TxnLastHour counts the customer's transactions in the hour before this one.
	TxnLastHour int64 `parquet:"name=txn_last_hour, type=INT64"`
	// HourOfDay is the hour (0-23) on the cardholder's local clock (standard
	// time of the card country).
	HourOfDay int64 `parquet:"name=hour_of_day, type=INT64"`
	// IsForeign reports whether the merchant country differs from the card
	// country.
	IsForeign bool `parquet:"name=is_foreign, type=BOOLEAN"`
	// IsFraud is the ground truth: 1 for a confirmed fraudulent transaction.
	IsFraud int64 `parquet:"name=is_fraud, type=INT64"`
	// AnalystDecision is what the fraud analysts decided at the time: 1 if they
	// blocked the transaction, 0 if they released it or never saw it.
	AnalystDecision int64 `parquet:"name=analyst_decision, type=INT64"`
	// AnalystMinutes is the analysts' handling time when the transaction was
	// reviewed, 0 otherwise.
	AnalystMinutes float64 `parquet:"name=analyst_minutes, type=DOUBLE"`
	// ModelScore is the fraud probability that the shadow-mode model logged, in
	// [0, 1], rounded to four decimals.
	ModelScore float64 `parquet:"name=model_score, type=DOUBLE"`
	// ModelLatencyMS is the shadow model's scoring time in milliseconds.
	ModelLatencyMS float64 `parquet:"name=model_latency_ms, type=DOUBLE"`
}

// Time returns CreatedAt as a time.Time in UTC.
func (t Transaction) Time() time.Time {
	return time.UnixMilli(t.CreatedAt).UTC()
}
