package tickets

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
)

// Ticket is one historical support ticket, as shipped in
// experiments/data/support-tickets.jsonl. The JSON keys are the columns, in
// this order.
type Ticket struct {
	// TicketID is "TCK-00001"…, in time order.
	TicketID string `json:"ticket_id"`
	// CreatedAt is when the ticket arrived, RFC 3339 in UTC.
	CreatedAt string `json:"created_at"`
	// Channel is email, chat, web_form or phone_transcript.
	Channel string `json:"channel"`
	// Language is the customer's language: en, de or fr (the text is
	// English in every case).
	Language string `json:"language"`
	// CustomerTier is free, pro or enterprise.
	CustomerTier string `json:"customer_tier"`
	// Subject is the subject line ("Chat" or "Phone call" for those channels).
	Subject string `json:"subject"`
	// Body is the customer's text: two to six sentences, with a greeting and
	// sign-off for e-mail and web forms.
	Body string `json:"body"`
	// Queue is the true queue, established when the ticket was resolved:
	// billing, technical, account, shipping or cancellation.
	Queue string `json:"queue"`
	// AgentQueue is where the first-line agents routed the ticket at the time.
	AgentQueue string `json:"agent_queue"`
	// AgentMinutes is the agents' handling time in minutes, one decimal.
	AgentMinutes float64 `json:"agent_minutes"`
	// Urgent tells whether the ticket was flagged urgent.
	Urgent bool `json:"urgent"`

	// Latent facts for tests; not written.
	sentences int        // sentences in the body, greeting and sign-off excluded
	second    int        // the queue of the second topic, or -1
	personal  []personal // the personal data in the body
}

// personal is one piece of personal data written into a body.
type personal struct {
	kind  string // email, phone, iban or card
	value string // as written
}

// WriteJSONL writes tickets to path as JSON Lines: one object per line, keys
// in the order of Ticket's fields, UTF-8 unescaped, "\n" line ends. The same
// tickets always give the same bytes.
func WriteJSONL(path string, ts []Ticket) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write tickets: %w", err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("write tickets %q: %w", path, cerr)
		}
	}()
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i := range ts {
		if err := enc.Encode(&ts[i]); err != nil {
			return fmt.Errorf("write tickets %q: ticket %s: %w", path, ts[i].TicketID, err)
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write tickets %q: %w", path, err)
	}
	return nil
}
