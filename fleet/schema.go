package fleet

import (
	"fmt"
	"strings"
	"time"

	"github.com/voiceinsights/callsummary/gen"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// SchemaVersion is the version of the flattened column schema. It grows
// when a column is renamed, removed or changes kind; adding a column keeps
// it. Parquet files carry it in their key-value metadata (MetadataVersion).
const SchemaVersion = 1

// MetadataVersion is the Parquet key-value metadata key of SchemaVersion.
const MetadataVersion = "callsummary.fleet.schema_version"

// Kind is the type of a column's values.
type Kind uint8

// The kinds of column. Every column is nullable: null is what Twilio left
// out or did not measure.
const (
	KindString  Kind = iota + 1 // UTF-8 text
	KindInt                     // 64-bit integer
	KindFloat                   // 64-bit float
	KindBool                    // true or false
	KindTime                    // an instant, UTC, microsecond precision in Parquet
	KindStrings                 // a list of text values
)

var kindNames = [...]string{KindString: "string", KindInt: "int64", KindFloat: "double", KindBool: "bool", KindTime: "timestamp", KindStrings: "list<string>"}

// String is the kind's name in the schema's documentation.
func (k Kind) String() string {
	if k >= KindString && k <= KindStrings {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Value is one cell of a flattened row. Valid is false for null; the field
// matching the column's Kind holds the value.
type Value struct {
	Valid bool
	Str   string
	Int   int64
	Float float64
	Bool  bool
	Time  time.Time
	List  []string
}

// Column is one column of the flattened schema.
type Column struct {
	Name string
	Kind Kind
	// PII marks columns holding personal data (phone numbers, client
	// names, IP addresses, free text): left out unless WithPII.
	PII bool
	// Computed marks columns the package derives (worst stream, verdict):
	// they are not read back into a summary.
	Computed bool
	// Doc says what the column holds, for the schema's documentation.
	Doc string

	get    func(s *doc, v *Value)
	set    func(s *doc, v *Value)
	derive func(s *callsummary.Summary, v *Value)
}

func (c Column) pii() Column { c.PII = true; return c }

// Schema is the flattened column schema: which columns, in which order.
type Schema struct {
	cols  []Column
	index map[string]int
}

// SchemaOption configures NewSchema.
type SchemaOption func(*schemaConfig)

type schemaConfig struct{ pii bool }

// WithPII includes the columns marked PII: the parties' numbers, client
// names and IP addresses, the edges' IP addresses and the annotation's
// free-text comment. Without it, they are never written.
func WithPII(include bool) SchemaOption { return func(c *schemaConfig) { c.pii = include } }

// NewSchema returns the schema of SchemaVersion, without PII columns
// unless WithPII(true).
func NewSchema(opts ...SchemaOption) *Schema {
	var cfg schemaConfig
	for _, o := range opts {
		o(&cfg)
	}
	sc := &Schema{index: map[string]int{}}
	for _, c := range allColumns {
		if c.PII && !cfg.pii {
			continue
		}
		sc.index[c.Name] = len(sc.cols)
		sc.cols = append(sc.cols, c)
	}
	return sc
}

// Columns returns the schema's columns in order.
func (sc *Schema) Columns() []Column { return append([]Column(nil), sc.cols...) }

// Index returns the position of the column named name, or -1.
func (sc *Schema) Index(name string) int {
	if i, ok := sc.index[name]; ok {
		return i
	}
	return -1
}

// allColumns is the schema of SchemaVersion. A property added to the
// document is one line here; gen's field names keep it in step with the
// document, since a renamed field no longer compiles.
var allColumns = buildColumns()

func buildColumns() []Column {
	cols := []Column{
		str("account_sid", top, func(s *doc) **string { return &s.AccountSID }, "the account's SID"),
		str("call_sid", top, func(s *doc) **string { return &s.CallSID }, "the call's SID"),
		str("call_type", top, func(s *doc) **gen.CallType { return &s.CallType }, "carrier, sip, trunking, client or whatsapp"),
		str("call_state", top, func(s *doc) **gen.CallState { return &s.CallState }, "completed, busy, noanswer, …"),
		str("answered_by", top, func(s *doc) **gen.AnsweredBy { return &s.AnsweredBy }, "answering machine detection's result"),
		str("processing_state", top, func(s *doc) **gen.ProcessingState { return &s.ProcessingState }, "partial or complete"),
		timestamp("created_time", func(s *doc) **time.Time { return &s.CreatedTime }, "when the call was created"),
		timestamp("start_time", func(s *doc) **time.Time { return &s.StartTime }, "when the call started (the partition's day)"),
		timestamp("end_time", func(s *doc) **time.Time { return &s.EndTime }, "when the call ended"),
		integer("duration", top, func(s *doc) **int { return &s.Duration }, "seconds from start to end"),
		integer("connect_duration", top, func(s *doc) **int { return &s.ConnectDuration }, "seconds connected"),
		strs("tags", top, func(s *doc) *[]string { return &s.Tags }, "Voice Insights' quality tags"),
		str("direction", properties, func(p *gen.CallProperties) **string { return &p.Direction }, "the call's direction (properties.direction)"),
		str("disconnected_by", properties, func(p *gen.CallProperties) **string { return &p.DisconnectedBy }, "which side hung up"),
		integer("last_sip_response_num", properties, func(p *gen.CallProperties) **int { return &p.LastSIPResponseNum }, "the last SIP response code"),
		integer("pdd_ms", properties, func(p *gen.CallProperties) **int { return &p.PDDMs }, "post-dial delay in milliseconds"),
		integer("q850_cause", properties, func(p *gen.CallProperties) **int { return &p.Q850Cause }, "Q.850 cause code"),
		integer("queue_time", properties, func(p *gen.CallProperties) **int { return &p.QueueTime }, "milliseconds between creation and start"),
		str("media_region", properties, func(p *gen.CallProperties) **string { return &p.MediaRegion }, "media region"),
		str("selected_region", properties, func(p *gen.CallProperties) **string { return &p.SelectedRegion }, "selected region"),
		str("signaling_region", properties, func(p *gen.CallProperties) **string { return &p.SignalingRegion }, "signaling region"),
		boolean("conference_participant", attributes, func(a *gen.CallAttributes) **bool { return &a.ConferenceParticipant }, "the call was a conference participant"),
		boolean("verified_caller", verified, func(v *gen.VerifiedCaller) **bool { return &v.Verified }, "SHAKEN/STIR verified"),
		boolean("branded_enabled", branded, func(b *gen.BrandedCall) **bool { return &b.Enabled }, "Branded Calling enabled"),
		boolean("voice_integrity_enabled", integrity, func(v *gen.VoiceIntegrity) **bool { return &v.Enabled }, "Voice Integrity enabled"),
		str("business_profile_industry", business, func(b *gen.BusinessProfile) **string { return &b.Industry }, "the business profile's industry"),
		str("annotation_answered_by", annotation, func(a *gen.Annotation) **gen.AnnotationAnsweredBy { return &a.AnsweredBy }, "annotation: human, machine, …"),
		str("annotation_connectivity_issue", annotation, func(a *gen.Annotation) **gen.ConnectivityIssue { return &a.ConnectivityIssue }, "annotation: connectivity issue"),
		strs("annotation_quality_issues", annotation, func(a *gen.Annotation) *[]gen.QualityIssue { return &a.QualityIssues }, "annotation: quality issues"),
		boolean("annotation_spam", annotation, func(a *gen.Annotation) **bool { return &a.Spam }, "annotation: spam"),
		integer("annotation_call_score", annotation, func(a *gen.Annotation) **int { return &a.CallScore }, "annotation: score 1 to 5"),
		str("annotation_incident", annotation, func(a *gen.Annotation) **string { return &a.Incident }, "annotation: incident"),
		str("annotation_comment", annotation, func(a *gen.Annotation) **string { return &a.Comment }, "annotation: free-text comment").pii(),
	}
	for _, p := range []struct {
		name string
		n    node[gen.Party]
	}{{"from", fromParty}, {"to", toParty}} {
		sdk := sdkOf(p.n)
		cols = append(cols,
			str(p.name+"_caller", p.n, func(p *gen.Party) **string { return &p.Caller }, "caller ID").pii(),
			str(p.name+"_callee", p.n, func(p *gen.Party) **string { return &p.Callee }, "destination").pii(),
			str(p.name+"_carrier", p.n, func(p *gen.Party) **string { return &p.Carrier }, "carrier name"),
			str(p.name+"_connection", p.n, func(p *gen.Party) **string { return &p.Connection }, "connection type (landline, mobile, voip, …)"),
			str(p.name+"_country_code", p.n, func(p *gen.Party) **string { return &p.CountryCode }, "ISO country code"),
			str(p.name+"_number_prefix", p.n, func(p *gen.Party) **string { return &p.NumberPrefix }, "country code and first digits"),
			str(p.name+"_ip_address", p.n, func(p *gen.Party) **string { return &p.IPAddress }, "the client's public IP address").pii(),
			str(p.name+"_sdk_platform", sdk, func(s *gen.SDKInfo) **string { return &s.Platform }, "Voice SDK platform"),
			str(p.name+"_sdk_version", sdk, func(s *gen.SDKInfo) **string { return &s.Version }, "Voice SDK version"),
			str(p.name+"_sdk_type", sdk, func(s *gen.SDKInfo) **string { return &s.Type }, "Voice SDK type"),
		)
	}
	for _, e := range []struct {
		name string
		n    node[gen.GatewayEdge]
	}{{"carrier", carrierEdge}, {"client", clientEdge}, {"sip", sipEdge}} {
		props := gatewayProps(e.n)
		cols = append(cols,
			str(e.name+"_edge_location", props, func(p *gen.GatewayEdgeProperties) **string { return &p.EdgeLocation }, "Twilio edge location"),
			str(e.name+"_region", props, func(p *gen.GatewayEdgeProperties) **string { return &p.Region }, "Twilio region"),
			str(e.name+"_external_media_ip", props, func(p *gen.GatewayEdgeProperties) **string { return &p.ExternalMediaIP }, "the far end's media IP").pii(),
		)
		cols = append(cols, streamColumns(e.name, child(e.n, func(e *gen.GatewayEdge) **gen.EdgeMetrics { return &e.Metrics }))...)
	}
	cols = append(cols, streamColumns("sdk", child(sdkEdge, func(e *gen.SDKEdge) **gen.EdgeMetrics { return &e.Metrics }))...)
	return append(cols, computedColumns()...)
}

// streamColumns are the metrics of both directions of one edge, named
// EDGE_DIRECTION_METRIC, e.g. sdk_inbound_mos_avg.
func streamColumns(edge string, metrics node[gen.EdgeMetrics]) []Column {
	var cols []Column
	for _, d := range []callsummary.Direction{callsummary.Inbound, callsummary.Outbound} {
		m := streamOf(metrics, d)
		p := edge + "_" + d.String() + "_"
		stat := func(f func(*gen.StreamMetrics) **gen.MetricStats) node[gen.MetricStats] { return child(m, f) }
		jitter := stat(func(m *gen.StreamMetrics) **gen.MetricStats { return &m.Jitter })
		latency := stat(func(m *gen.StreamMetrics) **gen.MetricStats { return &m.Latency })
		mos := stat(func(m *gen.StreamMetrics) **gen.MetricStats { return &m.MOS })
		rtt := stat(func(m *gen.StreamMetrics) **gen.MetricStats { return &m.RTT })
		avg := func(s *gen.MetricStats) **float64 { return &s.Avg }
		maxOf := func(s *gen.MetricStats) **float64 { return &s.Max }
		minOf := func(s *gen.MetricStats) **float64 { return &s.Min }
		packets := func(m *gen.StreamMetrics) **int { return &m.PacketsReceived }
		if d == callsummary.Outbound {
			packets = func(m *gen.StreamMetrics) **int { return &m.PacketsSent }
		}
		cols = append(cols,
			str(p+"codec", m, func(m *gen.StreamMetrics) **string { return &m.CodecName }, "codec name"),
			integer(p+"packets", m, packets, "packets received (inbound) or sent (outbound)"),
			integer(p+"packets_lost", m, func(m *gen.StreamMetrics) **int { return &m.PacketsLost }, "packets lost"),
			float(p+"loss_pct", m, func(m *gen.StreamMetrics) **float64 { return &m.PacketsLossPercentage }, "packet loss, percent"),
			float(p+"jitter_avg", jitter, avg, "jitter average, ms"),
			float(p+"jitter_max", jitter, maxOf, "jitter maximum, ms"),
			float(p+"latency_avg", latency, avg, "latency average, ms"),
			float(p+"latency_max", latency, maxOf, "latency maximum, ms"),
			float(p+"mos_avg", mos, avg, "MOS average"),
			float(p+"mos_min", mos, minOf, "MOS minimum"),
			float(p+"rtt_avg", rtt, avg, "round-trip time average, ms"),
			float(p+"rtt_max", rtt, maxOf, "round-trip time maximum, ms"),
		)
	}
	return cols
}

// computedColumns are derived with the client's quality helpers.
func computedColumns() []Column {
	return []Column{
		computed("worst_stream", KindString, "the stream with the highest Severity, e.g. sdk_edge/inbound", func(s *callsummary.Summary, v *Value) {
			if w, ok := s.WorstStream(); ok {
				v.Str, v.Valid = w.String(), true
			}
		}),
		computed("worst_severity", KindFloat, "the worst stream's Severity (above 1: past a tag threshold)", func(s *callsummary.Summary, v *Value) {
			if w, ok := s.WorstStream(); ok {
				v.Float, v.Valid = w.Severity(), true
			}
		}),
		computed("verdict", KindString, "good, tagged, poor or unknown (Summary.Verdict)", func(s *callsummary.Summary, v *Value) {
			v.Str, v.Valid = string(s.Verdict()), true
		}),
		computed("agent_sessions", KindInt, "the number of AI agent sessions (agent_session_summaries)", func(s *callsummary.Summary, v *Value) {
			if s.AgentSessionSummaries != nil {
				v.Int, v.Valid = int64(len(s.AgentSessionSummaries)), true
			}
		}),
		computed("decode_issues", KindStrings, "JSON Pointers of the values that did not fit the document's types (Summary.DecodeIssues): left null here, kept in the NDJSON export", func(s *callsummary.Summary, v *Value) {
			issues := s.DecodeIssues()
			v.List, v.Valid = v.List[:0], true
			for _, is := range issues {
				v.List = append(v.List, is.Pointer)
			}
		}),
	}
}

// names lists column names, for messages.
func names(cols []Column) string {
	n := make([]string, len(cols))
	for i, c := range cols {
		n[i] = c.Name
	}
	return strings.Join(n, ", ")
}
