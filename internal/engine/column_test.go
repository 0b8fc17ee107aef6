package engine

import (
	"reflect"
	"testing"
)

func TestColumnKeepsEveryValueAsItCame(t *testing.T) {
	tests := []struct {
		name    string
		values  []any
		numbers bool // whether the column still holds plain float64s
	}{
		{"numbers", []any{1.5, 0.0, -2.0}, true},
		{"a missing value", []any{1.5, nil, 3.0}, false},
		{"a string after numbers", []any{1.0, 2.0, "n/a", 4.0}, false},
		{"a string first", []any{"EUR", 1.0}, false},
		{"an integer", []any{1.0, int64(2)}, false},
		{"empty", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, room := range []int{0, 2, 10} {
				c := newColumn(room)
				for _, v := range tt.values {
					c.add(v)
				}
				if c.Len() != len(tt.values) {
					t.Fatalf("room %d: Len %d, want %d", room, c.Len(), len(tt.values))
				}
				got := make([]any, c.Len())
				for i := range got {
					got[i] = c.At(i)
				}
				if len(tt.values) > 0 && !reflect.DeepEqual(got, tt.values) {
					t.Errorf("room %d: values %v, want %v", room, got, tt.values)
				}
				if (c.vals == nil) != tt.numbers {
					t.Errorf("room %d: held as numbers = %v, want %v", room, c.vals == nil, tt.numbers)
				}
			}
		})
	}
}
