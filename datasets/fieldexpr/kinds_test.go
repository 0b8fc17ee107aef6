package fieldexpr

import (
	"strings"
	"testing"
)

func TestCheckKinds(t *testing.T) {
	cols := []string{"region", "amount", "flag", "note", "my-col"}
	kinds := map[string]string{"region": KindText, "amount": KindNumber, "flag": KindBool, "my-col": KindText}
	cases := []struct {
		expr string
		want string // "" for no error
	}{
		{`region == "2"`, ""},
		{`region == 2`, `e.g. region == "2"`},
		{`2 != region`, `column "region", which holds text values, with the number constant 2`},
		{`amount > 100`, ""},
		{`amount == "100"`, "declare the column a category"},
		{`flag == true`, ""},
		{`flag == "yes"`, `column "flag", which holds bool values`},
		{`note == 3`, ""}, // kind unknown: not checked
		{`$env["my-col"] == 1`, `column "my-col"`},
		{`amount > 100 && region == 3`, `region == 3`},
		{`region in ["1", "2"]`, ""},
		{`region >= "45"`, `orders the text column "region" as text`},
		{`region >= 5`, "declare the column a number"},
		{`region > "m"`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.expr, func(t *testing.T) {
			p, err := Compile(tc.expr, cols, true)
			if err != nil {
				t.Fatal(err)
			}
			err = p.CheckKinds(kinds)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("CheckKinds = %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("CheckKinds = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	p, _ := Compile(`region == 2`, cols, true)
	if err := p.CheckKinds(nil); err != nil {
		t.Errorf("no kinds known: %v", err)
	}
}
