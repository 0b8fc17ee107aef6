package stats

import (
	"flag"
	"math"
)

// large turns on the long coverage simulations:
//
//	go test ./internal/stats/ -run Coverage -stats.large
var large = flag.Bool("stats.large", false, "run coverage simulations with many more datasets")

// near reports whether got is within tol of want; NaN matches only NaN.
func near(got, want, tol float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol
}

// coverageTolerance is the allowed |coverage − nominal| for a simulation
// with trials datasets: 4 binomial standard errors plus slack for the
// method's own, known departure from nominal coverage.
func coverageTolerance(nominal float64, trials int, slack float64) float64 {
	return 4*math.Sqrt(nominal*(1-nominal)/float64(trials)) + slack
}
