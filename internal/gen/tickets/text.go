package tickets

// Queues, in the order of their index.
const (
	qBilling = iota
	qTechnical
	qAccount
	qShipping
	qCancellation
	numQueues
)

// Queues are the names of the five support queues, the labels of the data.
var Queues = []string{"billing", "technical", "account", "shipping", "cancellation"}

// queueWeights is the base share of each queue, before seasonality.
var queueWeights = []float64{0.30, 0.27, 0.18, 0.16, 0.09}

// partners are, per queue, the queues a ticket's second topic (and an agent's
// mistake) plausibly comes from, with weights.
var partners = [numQueues][numQueues]float64{
	qBilling:      {qCancellation: 0.40, qAccount: 0.25, qShipping: 0.25, qTechnical: 0.10},
	qTechnical:    {qAccount: 0.55, qShipping: 0.25, qBilling: 0.10, qCancellation: 0.10},
	qAccount:      {qTechnical: 0.55, qBilling: 0.25, qCancellation: 0.20},
	qShipping:     {qBilling: 0.45, qTechnical: 0.30, qCancellation: 0.25},
	qCancellation: {qBilling: 0.60, qAccount: 0.25, qTechnical: 0.15},
}

// Placeholders in the phrasings below, filled per ticket:
// {device} {device2} {plan} {order} {invoice} {amount} {amount0} {date}
// {version} {errcode} {phone_os} {code} {ref} {years} {units} {cust} {vat}.

// openers state the customer's main need, per queue. Some use the words a
// keyword rule looks for, some paraphrase, some use another queue's words.
var openers = [numQueues][]string{
	qBilling: {
		"I was charged twice for my {plan} subscription this month.",
		"There is a payment of {amount} on my card that I don't recognise.",
		"Could you send me an invoice for order {order}? Our accounts department needs it.",
		"My bank statement shows {amount} taken by you on {date} but I never agreed to that.",
		"The price on my last bill is higher than what was advertised.",
		"I still haven't received the refund for order {order}.",
		"Why did my monthly amount go up from {amount0} to {amount}?",
		"Your system took the money for the annual plan although I chose monthly.",
		"Please update the VAT number on our invoices to {vat}.",
		"I need a receipt for the {amount} I paid on {date}.",
		"The discount code {code} was not applied at checkout, so I overpaid.",
		"My direct debit bounced and now there is a fee of 5 EUR on my statement.",
		"You debited {amount} from my account although I am on the free plan.",
		"The money for the returned {device} has not come back yet.",
		"Invoice {invoice} lists two cameras but we only have one.",
		"I was billed for the {plan} plan after the trial, I thought it would stop automatically.",
	},
	qTechnical: {
		"The {device} keeps going offline every few hours.",
		"Since the update to version {version}, the app crashes when I open the live view.",
		"My {device} shows error {errcode} and won't connect to the Wi-Fi.",
		"Motion alerts arrive about ten minutes late.",
		"The thermostat schedule resets itself every night.",
		"I can't pair the new {device} with the hub, the light just blinks orange.",
		"The video history is empty for the last two days.",
		"The app logs me out of my account every time I close it.",
		"The firmware update failed halfway and now the {device} is stuck on the logo.",
		"The Google Home integration stopped working.",
		"The battery of the {device} drains within a day since last week.",
		"Nothing happens when I press the button in the app, it just keeps spinning.",
		"Night vision on the {device} shows only a white picture.",
		"The temperature shown by the thermostat is 3 degrees off.",
		"Live view is extremely slow and the sound is out of sync.",
		"The {device} clicks on and off all the time.",
	},
	qAccount: {
		"I can't log in, it says my password is wrong although I just reset it.",
		"I never receive the two-factor code by SMS.",
		"Please change the e-mail address on my account to my new one.",
		"Someone else seems to have access to my profile, there are devices I don't know.",
		"How do I add my partner as a second user?",
		"I'd like to transfer the devices to the new owner of my flat.",
		"My username was changed and I didn't do it.",
		"I want a copy of all data you store about me (GDPR request).",
		"The verification link in the sign-up mail has expired.",
		"We need to add three new admins to our organisation workspace.",
		"I'm locked out after too many attempts.",
		"Can you merge my two profiles? I signed up twice by mistake.",
		"My login stopped working after I changed my phone.",
		"How can I change the name shown in the household?",
		"I want to remove my ex from the household, she still sees the cameras.",
	},
	qShipping: {
		"My order {order} still hasn't arrived.",
		"The tracking number doesn't show any movement since {date}.",
		"The parcel was delivered to the wrong address.",
		"The box arrived damaged and the {device} inside is scratched.",
		"I received a {device2} instead of the {device} I ordered.",
		"Can I change the delivery address for order {order}?",
		"The courier says the package was handed over, but nobody was home.",
		"Only one of the two items in my order came.",
		"When will the {device} be back in stock and sent out?",
		"I'd like to return the {device}, how do I get a return label?",
		"Can I cancel order {order} before it ships?",
		"Where is my stuff? Ordered on {date}, nothing yet.",
		"The {device} I ordered on {date} is still marked as processing.",
		"Do you send to Switzerland, and how long does it take?",
		"The sender's address on my order is wrong, it needs to go to our office.",
	},
	qCancellation: {
		"Please cancel my {plan} subscription at the end of this period.",
		"I want to end my contract, we're moving abroad.",
		"How do I stop the automatic renewal?",
		"I'd like to terminate our enterprise agreement as of {date}.",
		"Please close my account and delete my data.",
		"I no longer need the cloud plan, the cameras are staying offline from now on.",
		"We're switching to another provider, please confirm the cancellation.",
		"Unsubscribe me from the {plan} plan, it's too expensive for me.",
		"What's the notice period if I want to quit?",
		"I don't want to renew, please make sure nothing is taken next month.",
		"My father passed away, please end his subscription.",
		"We sold the house, so the plan for it can stop.",
	},
}

// details add context, per queue.
var details = [numQueues][]string{
	qBilling: {
		"The transaction reference is {ref}.",
		"I have attached a screenshot of the bank statement.",
		"It was {amount} on {date}.",
		"Please put the money back on the card I used.",
		"My colleague says our team plan should be cheaper.",
		"I've been a customer for {years} years and this never happened before.",
		"Can you please sort this out before the next billing cycle?",
		"I would like the difference credited.",
		"The invoice number is {invoice}.",
		"We need the company name and address on it for tax purposes.",
	},
	qTechnical: {
		"I already restarted the router and the {device}.",
		"I'm on a {phone_os}.",
		"I tried removing and adding the device again, same result.",
		"The status light is solid red.",
		"This started on {date}.",
		"Other devices on the same network work fine.",
		"Error code {errcode} appears in the log.",
		"We have {units} units installed across our buildings and about half of them are affected.",
		"The app version is {version}.",
		"I did a factory reset as your FAQ says, it did not help.",
	},
	qAccount: {
		"The reset mail never arrives, I checked spam.",
		"I last managed to sign in on {date}.",
		"My old phone number is no longer in use.",
		"I use the web portal, not the app.",
		"Please confirm once it's done.",
		"My customer number is {cust}.",
		"I'm the only person who should have access.",
		"It says the link is invalid.",
	},
	qShipping: {
		"The order number is {order}.",
		"The estimated date was {date}.",
		"I need it before the weekend, it's a gift.",
		"The courier's website just says exception.",
		"Please don't send it to the old address again.",
		"I have photos of the box if you need them.",
		"I ordered it on {date}.",
		"Nobody left a note in the letterbox either.",
	},
	qCancellation: {
		"My customer number is {cust}.",
		"Please send me a written confirmation.",
		"Don't try to keep me with a discount, my decision is final.",
		"The renewal date is {date}.",
		"The devices themselves work fine, we just don't use them anymore.",
		"I have been with you for {years} years.",
		"Please confirm by mail.",
	},
}

// secondTopics mention another queue's topic in its usual words: a ticket
// with one is ambiguous.
var secondTopics = [numQueues][]string{
	qBilling: {
		"Also, I was charged {amount} for this and I expect a refund.",
		"And why was my card charged again this month?",
		"On top of that the invoice is wrong.",
		"I'd also like to know if I get money back for the days it didn't work.",
	},
	qTechnical: {
		"The app also crashes when I try to check it.",
		"Also the {device} shows an error since then.",
		"And the live view doesn't load either.",
	},
	qAccount: {
		"I also can't log in to my account on the website anymore.",
		"By the way, my password reset doesn't work either.",
		"And I'd like to change the e-mail address on the account.",
	},
	qShipping: {
		"The replacement parcel hasn't been delivered either.",
		"And the tracking link is broken.",
		"The second package is still not here.",
	},
	qCancellation: {
		"If this isn't fixed I will cancel my subscription.",
		"Honestly I'm thinking about cancelling.",
		"Otherwise please terminate my plan.",
		"One more problem and I'm leaving.",
	},
}

// subjects are what customers type as a subject line, per queue.
var subjects = [numQueues][]string{
	qBilling: {
		"Double charge", "Refund?", "Invoice request", "Wrong amount", "Payment question",
		"Money taken twice", "Receipt needed", "Unexpected charge on my card", "Billing", "Price increase??",
		"VAT number", "Where is my money",
	},
	qTechnical: {
		"Camera offline", "App crashes", "Error {errcode}", "Device not connecting", "Thermostat problem",
		"Not working", "Live view broken", "Alerts delayed", "Firmware update failed", "Pairing issue",
		"{device} problem",
	},
	qAccount: {
		"Can't log in", "Password reset", "2FA code not arriving", "Change e-mail", "Account hacked?",
		"Locked out", "Add user", "GDPR request", "Login problem", "Profile",
	},
	qShipping: {
		"Where is my order?", "Order {order}", "Delivery", "Parcel damaged", "Wrong item", "Tracking",
		"Change address", "Return", "Missing item", "Not delivered",
	},
	qCancellation: {
		"Cancel subscription", "Cancellation", "End contract", "Stop renewal", "Close account",
		"Termination", "Unsubscribe", "Quit",
	},
}

// vagueSubjects say nothing about the queue.
var vagueSubjects = []string{
	"Help", "Question", "Problem", "Re: your message", "URGENT", "Support request", "Hello",
	"Issue", "Please help", "Complaint", "Fwd: ",
}

// urgencies are said by customers in a hurry.
var urgencies = []string{
	"This is urgent!",
	"Please help ASAP.",
	"I need an answer today.",
	"Our building's cameras are down, this is critical.",
	"URGENT please!!",
}

// Personal data phrasings; the value is appended by the generator.
var (
	emailPhrases = []string{"You can reach me at {v}.", "Please reply to {v}, not the address I'm writing from.", "My login is {v}.", "Contact: {v}."}
	phonePhrases = []string{"Call me back on {v}.", "My phone number is {v}.", "Best reached by phone: {v}.", "Tel. {v}."}
	ibanPhrases  = []string{"Please send the refund to my IBAN {v}.", "Our bank details: {v}.", "My IBAN is {v}.", "Pay it back to {v} please."}
	cardPhrases  = []string{"The card I used is {v}.", "Card number {v}, expiry {exp}.", "It was on my card {v}.", "Card: {v}."}
	// maskedCards mention a card without its number: no personal data.
	maskedCards = []string{"The card ends in {last4}.", "It was my Visa ending {last4}."}
)

// Greetings and sign-offs by language. The bodies are English: customers
// writing in German or French are tagged, and greet in their language.
var (
	greetings = map3(
		[]string{"Hi,", "Hello,", "Dear support team,", "Hi there,", "Good morning,", "Dear Sir or Madam,"},
		[]string{"Hallo,", "Guten Tag,", "Sehr geehrte Damen und Herren,"},
		[]string{"Bonjour,", "Madame, Monsieur,"},
	)
	signoffs = map3(
		[]string{"Thanks,\n{first}", "Best regards,\n{first} {last}", "Cheers, {first}", "Kind regards\n{first} {last}", "Thank you\n{first}"},
		[]string{"Viele Grüße\n{first} {last}", "MfG {last}", "Danke und Gruß,\n{first}"},
		[]string{"Cordialement,\n{first} {last}", "Merci d'avance, {first}", "Bien à vous,\n{first} {last}"},
	)
	firstNames = map3(
		[]string{"Emma", "James", "Olivia", "Liam", "Sophie", "Daniel", "Chloe", "Ryan", "Grace", "Tom", "Aisha", "Priya", "Mark", "Siobhan", "Kevin", "Laura"},
		[]string{"Anna", "Lukas", "Marie", "Jonas", "Sabine", "Thomas", "Lena", "Jürgen", "Katrin", "Felix"},
		[]string{"Camille", "Julien", "Léa", "Nicolas", "Chloé", "Mathieu", "Inès", "Pierre"},
	)
	lastNames = map3(
		[]string{"Smith", "Murphy", "Taylor", "O'Brien", "Patel", "Walsh", "Brown", "Evans", "Kelly", "Wilson", "Hughes", "Khan", "Byrne", "Clarke"},
		[]string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Wagner", "Koch", "Braun"},
		[]string{"Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Roux"},
	)
	mailDomains = map3(
		[]string{"gmail.com", "outlook.com", "yahoo.co.uk", "icloud.com", "hotmail.com", "eircom.net"},
		[]string{"gmx.de", "web.de", "t-online.de", "gmail.com", "posteo.de"},
		[]string{"orange.fr", "free.fr", "gmail.com", "laposte.net"},
	)
	companyDomains = []string{"brightlane-properties.com", "northgate-housing.co.uk", "immobilien-kern.de", "residences-azur.fr", "harbourview-lettings.ie"}
)

// Things a ticket refers to.
var (
	devices  = []string{"indoor camera", "outdoor camera", "video doorbell", "smart thermostat", "door sensor", "hub", "smoke detector", "smart plug"}
	plans    = []string{"Pro", "Pro annual", "Plus", "Family", "Business"}
	phoneOSs = []string{"iPhone 13 with iOS 19", "Samsung Galaxy S24, Android 16", "Pixel 8", "iPad with the latest iOS", "Xiaomi phone, Android 15"}
	errcodes = []string{"E-104", "E-201", "E-317", "0x8007", "NET-12", "E-009"}
)

// lang indexes per-language tables.
const (
	langEN = iota
	langDE
	langFR
)

// Languages are the language tags of the data, in index order.
var languages = []string{"en", "de", "fr"}

func map3(en, de, fr []string) [3][]string { return [3][]string{en, de, fr} }
