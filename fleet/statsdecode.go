package fleet

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/wirejson"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// statsDecoder decodes the part of a summary that statistics read (what
// Dims, Metrics, Streams and Verdict look at) token by token, skipping the
// rest of the line: parties' numbers, trust, annotation, audio levels,
// events. That is most of the cost of decoding a summary, and what makes
// statistics over NDJSON fast. Whatever it is not sure to read as the
// client would (a value of another type, an escaped name, invalid UTF-8,
// anything after the object) sends the whole line to
// callsummary.ParseSummary, which decides. FuzzStatsDecoder checks that
// both give the same statistics.
type statsDecoder struct {
	dec  *jsontext.Decoder
	buf  bytes.Buffer
	strs map[string]string
}

func newStatsDecoder() *statsDecoder {
	return &statsDecoder{dec: wirejson.NewDecoder(bytes.NewReader(nil)), strs: map[string]string{}}
}

// errUnsure: the line is decoded by ParseSummary instead.
var errUnsure = errors.New("fleet: not a value the statistics decoder reads")

// decode returns the summary of one NDJSON line, with the fields statistics
// read (or every field, when ParseSummary decoded it).
func (d *statsDecoder) decode(line []byte) (*callsummary.Summary, error) {
	s := &callsummary.Summary{}
	if err := d.summary(line, &s.CallSummary); err != nil {
		return callsummary.ParseSummary(line)
	}
	return s, nil
}

func (d *statsDecoder) summary(line []byte, s *gen.CallSummary) error {
	if len(line) == 0 || line[0] != '{' {
		return errUnsure
	}
	d.buf.Reset()
	d.buf.Write(line)
	wirejson.ResetDecoder(d.dec, &d.buf)
	err := d.object(func(name []byte) error {
		switch string(name) {
		case "call_type":
			return readStr(d, &s.CallType)
		case "processing_state":
			return readStr(d, &s.ProcessingState)
		case "start_time":
			return d.time(&s.StartTime)
		case "duration":
			return d.int(&s.Duration)
		case "tags":
			return d.strings(&s.Tags)
		case "properties":
			return obj(d, &s.Properties, func(p *gen.CallProperties, name []byte) error {
				switch string(name) {
				case "direction":
					return readStr(d, &p.Direction)
				case "pdd_ms":
					return d.int(&p.PDDMs)
				}
				return d.dec.SkipValue()
			})
		case "from":
			return d.party(&s.From)
		case "to":
			return d.party(&s.To)
		case "carrier_edge":
			return d.gateway(&s.CarrierEdge)
		case "client_edge":
			return d.gateway(&s.ClientEdge)
		case "sip_edge":
			return d.gateway(&s.SIPEdge)
		case "sdk_edge":
			return obj(d, &s.SDKEdge, func(e *gen.SDKEdge, name []byte) error {
				switch string(name) {
				case "properties":
					return presence(d, &e.Properties)
				case "events":
					return presence(d, &e.Events)
				case "metrics":
					return d.metrics(&e.Metrics)
				}
				return d.dec.SkipValue()
			})
		}
		return d.dec.SkipValue()
	})
	if err != nil {
		return err
	}
	if _, err := d.dec.ReadToken(); err != io.EOF {
		return errUnsure // something after the object
	}
	return nil
}

func (d *statsDecoder) party(p **gen.Party) error {
	return obj(d, p, func(p *gen.Party, name []byte) error {
		switch string(name) {
		case "carrier":
			return readStr(d, &p.Carrier)
		case "country_code":
			return readStr(d, &p.CountryCode)
		case "sdk":
			return obj(d, &p.SDK, func(s *gen.SDKInfo, name []byte) error {
				switch string(name) {
				case "platform":
					return readStr(d, &s.Platform)
				case "version":
					return readStr(d, &s.Version)
				}
				return d.dec.SkipValue()
			})
		}
		return d.dec.SkipValue()
	})
}

func (d *statsDecoder) gateway(e **gen.GatewayEdge) error {
	return obj(d, e, func(e *gen.GatewayEdge, name []byte) error {
		switch string(name) {
		case "properties":
			return obj(d, &e.Properties, func(p *gen.GatewayEdgeProperties, name []byte) error {
				switch string(name) {
				case "edge_location":
					return readStr(d, &p.EdgeLocation)
				case "region":
					return readStr(d, &p.Region)
				}
				return d.dec.SkipValue()
			})
		case "metrics":
			return d.metrics(&e.Metrics)
		}
		return d.dec.SkipValue()
	})
}

func (d *statsDecoder) metrics(m **gen.EdgeMetrics) error {
	return obj(d, m, func(m *gen.EdgeMetrics, name []byte) error {
		switch string(name) {
		case "inbound":
			return d.stream(&m.Inbound)
		case "outbound":
			return d.stream(&m.Outbound)
		}
		return d.dec.SkipValue()
	})
}

func (d *statsDecoder) stream(st **gen.StreamMetrics) error {
	return obj(d, st, func(st *gen.StreamMetrics, name []byte) error {
		switch string(name) {
		case "codec_name":
			return readStr(d, &st.CodecName)
		case "packets_loss_percentage":
			return d.float(&st.PacketsLossPercentage)
		case "jitter":
			return d.stat(&st.Jitter)
		case "latency":
			return d.stat(&st.Latency)
		case "mos":
			return d.stat(&st.MOS)
		case "rtt":
			return d.stat(&st.RTT)
		}
		return d.dec.SkipValue()
	})
}

// stat reads the average of a metric's statistics (the only one
// statistics use).
func (d *statsDecoder) stat(m **gen.MetricStats) error {
	return obj(d, m, func(m *gen.MetricStats, name []byte) error {
		if string(name) == "avg" {
			return d.float(&m.Avg)
		}
		return d.dec.SkipValue()
	})
}

// object reads an object, calling member with each name (valid until the
// next read; a switch on string(name) does not copy it); member reads the
// value. Names with escapes are left to ParseSummary.
func (d *statsDecoder) object(member func(name []byte) error) error {
	if tok, err := d.dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return errUnsure
	}
	for {
		switch d.dec.PeekKind() {
		case '}':
			_, err := d.dec.ReadToken()
			return err
		case '"':
		default:
			return errUnsure // a syntax error: ParseSummary says which
		}
		raw, err := d.dec.ReadValue()
		if err != nil {
			return err
		}
		if bytes.IndexByte(raw, '\\') >= 0 {
			return errUnsure
		}
		if err := member(raw[1 : len(raw)-1]); err != nil {
			return err
		}
	}
}

// obj reads an object into *p (allocated if nil, merged into otherwise, as
// encoding/json/v2 does), or null.
func obj[T any](d *statsDecoder, p **T, member func(v *T, name []byte) error) error {
	switch d.dec.PeekKind() {
	case 'n':
		*p = nil
		_, err := d.dec.ReadToken()
		return err
	case '{':
	default:
		return errUnsure
	}
	if *p == nil {
		*p = new(T)
	}
	v := *p
	return d.object(func(name []byte) error { return member(v, name) })
}

// presence reads an object of which statistics only need to know it is
// there (an SDK edge's properties, events).
func presence[T any](d *statsDecoder, p **T) error {
	return obj(d, p, func(*T, []byte) error { return d.dec.SkipValue() })
}

// null reads a null into *p; false when the next value is not null.
func null[T any](d *statsDecoder, p **T) (bool, error) {
	if d.dec.PeekKind() != 'n' {
		return false, nil
	}
	*p = nil
	_, err := d.dec.ReadToken()
	return true, err
}

func readStr[S ~string](d *statsDecoder, p **S) error {
	if ok, err := null(d, p); ok || err != nil {
		return err
	}
	raw, err := d.dec.ReadValue()
	if err != nil || len(raw) < 2 || raw[0] != '"' {
		return errUnsure
	}
	body := raw[1 : len(raw)-1]
	if bytes.IndexByte(body, '\\') >= 0 || !utf8.Valid(body) {
		return errUnsure // escapes are rare; invalid UTF-8 the client replaces: let it
	}
	x := S(d.intern(body))
	*p = &x
	return nil
}

// maxInterned bounds the distinct strings a decoder keeps: call types,
// codecs, carriers, countries and tags repeat from line to line.
const maxInterned = 4096

// intern returns b as a string, the same string for the same bytes while
// fewer than maxInterned are kept, so that repeated values are not copied
// line after line.
func (d *statsDecoder) intern(b []byte) string {
	if v, ok := d.strs[string(b)]; ok {
		return v
	}
	v := string(b)
	if len(d.strs) < maxInterned {
		d.strs[v] = v
	}
	return v
}

func (d *statsDecoder) int(p **int) error {
	if ok, err := null(d, p); ok || err != nil {
		return err
	}
	tok, err := d.dec.ReadToken()
	if err != nil || tok.Kind() != '0' {
		return errUnsure
	}
	v, err := tok.Int()
	if err != nil || strconv.IntSize == 32 && int64(int(v)) != v {
		return errUnsure
	}
	x := int(v)
	*p = &x
	return nil
}

func (d *statsDecoder) float(p **float64) error {
	if ok, err := null(d, p); ok || err != nil {
		return err
	}
	tok, err := d.dec.ReadToken()
	if err != nil || tok.Kind() != '0' {
		return errUnsure
	}
	v, err := tok.Float()
	if err != nil {
		return errUnsure
	}
	*p = &v
	return nil
}

// time is decoded by the module's engine itself: its reading of RFC 3339
// is the client's.
func (d *statsDecoder) time(p **time.Time) error {
	if ok, err := null(d, p); ok || err != nil {
		return err
	}
	var t time.Time
	if err := wirejson.UnmarshalDecode(d.dec, &t); err != nil {
		return errUnsure
	}
	*p = &t
	return nil
}

func (d *statsDecoder) strings(p *[]string) error {
	if d.dec.PeekKind() == 'n' {
		*p = nil
		_, err := d.dec.ReadToken()
		return err
	}
	if tok, err := d.dec.ReadToken(); err != nil || tok.Kind() != '[' {
		return errUnsure
	}
	out := (*p)[:0]
	if out == nil {
		out = []string{}
	}
	for d.dec.PeekKind() != ']' {
		var s *string
		if err := readStr(d, &s); err != nil || s == nil {
			return errUnsure
		}
		out = append(out, *s)
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return err
	}
	*p = out
	return nil
}
