// Package credit generates the synthetic loan applications `poc init
// --template credit` writes beside its experiment: applicants with an
// income, a debt ratio, an employment history and earlier arrears, whether
// they later defaulted, and what the loan officers decided at the time. The
// default follows a logistic model of the applicant's figures, so that a
// learner has something to find; the officers follow a rule of thumb with
// some noise. The same n and seed always give the same bytes.
package credit

import (
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
)

// Application is one historical loan application.
type Application struct {
	ID            string  // "APP-00001"…
	AppliedAt     string  // the day, RFC 3339 date
	Age           int     // years
	Income        float64 // thousands a year
	DebtRatio     float64 // debt payments over income
	YearsEmployed float64
	PriorArrears  int     // earlier missed payments
	Purpose       string  // car, home, education, consumer
	Amount        float64 // the loan, in EUR
	Officer       string  // what the loan officer decided: approve or decline
	Defaulted     string  // yes or no: whether the loan (or a comparable one) defaulted
}

// Generate makes n applications from seed.
func Generate(n int, seed uint64) []Application {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	purposes := []string{"car", "home", "education", "consumer"}
	out := make([]Application, n)
	for i := range out {
		age := 21 + rng.IntN(45)
		income := math.Round(math.Exp(3.4+0.45*rng.NormFloat64())*10) / 10
		debt := math.Round(math.Min(0.9, math.Max(0, 0.25+0.12*rng.NormFloat64()))*100) / 100
		years := math.Round(math.Min(float64(age-18), math.Max(0, 6+5*rng.NormFloat64()))*10) / 10
		arrears := 0
		if rng.Float64() < 0.18 {
			arrears = 1 + rng.IntN(4)
		}
		purpose := purposes[rng.IntN(len(purposes))]
		amount := math.Round(income*(300+700*rng.Float64())/10) * 10
		z := -2.6 + 4.5*(debt-0.25) - 0.03*(income-30) - 0.12*(years-6) + 0.7*float64(arrears) + 0.4*b(purpose == "consumer")
		defaulted := "no"
		if rng.Float64() < 1/(1+math.Exp(-z)) {
			defaulted = "yes"
		}
		officer := "approve"
		if arrears >= 2 || debt > 0.45 || (income < 18 && rng.Float64() < 0.6) || rng.Float64() < 0.04 {
			officer = "decline"
		}
		out[i] = Application{ID: fmt.Sprintf("APP-%05d", i+1), AppliedAt: fmt.Sprintf("2025-%02d-%02d", 1+i*12/n, 1+rng.IntN(28)),
			Age: age, Income: income, DebtRatio: debt, YearsEmployed: years, PriorArrears: arrears, Purpose: purpose,
			Amount: amount, Officer: officer, Defaulted: defaulted}
	}
	return out
}

func b(v bool) float64 {
	if v {
		return 1
	}
	return 0
}

// Header is the CSV header of WriteCSV.
var Header = []string{"application_id", "applied_at", "age", "income_k", "debt_ratio", "years_employed", "prior_arrears", "purpose",
	"amount", "officer_decision", "defaulted"}

// WriteCSV writes the applications to path as CSV with Header.
func WriteCSV(path string, apps []Application) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write applications: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write applications: %w", cerr)
		}
	}()
	w := csv.NewWriter(f)
	if err := w.Write(Header); err != nil {
		return fmt.Errorf("write applications: %w", err)
	}
	num := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	for _, a := range apps {
		if err := w.Write([]string{a.ID, a.AppliedAt, strconv.Itoa(a.Age), num(a.Income), num(a.DebtRatio), num(a.YearsEmployed),
			strconv.Itoa(a.PriorArrears), a.Purpose, num(a.Amount), a.Officer, a.Defaulted}); err != nil {
			return fmt.Errorf("write applications: %w", err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("write applications: %w", err)
	}
	return nil
}
