package sandbox

import "testing"

func TestReplaceMember(t *testing.T) {
	const v = `{"call_score":5}`
	for _, c := range []struct{ in, want string }{
		{`{"a":1,"annotation":null,"b":2}`, `{"a":1,"annotation":` + v + `,"b":2}`},
		{"{\n  \"annotation\" :\t{\"x\": [1, {}]} ,\n  \"z\": \"annotation\"\n}", "{\n  \"annotation\" :\t" + v + " ,\n  \"z\": \"annotation\"\n}"},
		{`{"annotation":1,"annotation":2}`, `{"annotation":` + v + `,"annotation":` + v + `}`},
		{`{"nested":{"annotation":1}}`, `{"nested":{"annotation":1},"annotation":` + v + `}`},
		{`{}`, `{"annotation":` + v + `}`},
		{"{ }\n", `{ "annotation":` + v + "}\n"},
	} {
		got, err := replaceMember([]byte(c.in), "annotation", []byte(v))
		if err != nil || string(got) != c.want {
			t.Errorf("replaceMember(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{``, `[]`, `{"a":}`, `{"a":1`} {
		if got, err := replaceMember([]byte(in), "annotation", []byte(v)); err == nil {
			t.Errorf("replaceMember(%q) = %q, want an error", in, got)
		}
	}
}
