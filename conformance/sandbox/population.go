package sandbox

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/voiceinsights/callsummary/gen"
)

// The population is the sandbox's generated traffic: thousands of calls the
// list endpoint pages through, spread over the 30 days before the sandbox
// started (Twilio keeps summaries for 30 days), with a busier last four
// hours so that Twilio's default window (StartTime=4h) lists several pages.
const (
	// DefaultPopulationSize is the number of generated calls without
	// WithPopulation.
	DefaultPopulationSize = 5000
	// DefaultPopulationSeed is the seed of the default population.
	DefaultPopulationSeed uint64 = 0x7a11_5ee0
	// MaxPopulationSize bounds WithPopulation (about 200 bytes a call).
	MaxPopulationSize = 1_000_000

	retention  = 30 * 24 * time.Hour
	recentSpan = 4 * time.Hour
)

// WithPopulation sets how many calls the sandbox generates for the list
// endpoint, and the seed they are generated from: the same size, seed and
// clock reading at NewHandler give the same calls and the same bytes. Size 0
// turns the population off, leaving the fixtures. Each call's times are
// relative to the clock's reading when the handler is built.
func WithPopulation(size int, seed uint64) Option {
	return func(c *serverConfig) { c.popSize, c.popSeed = size, seed }
}

// A population holds each generated call's facts, compactly: the JSON of a
// summary is generated on demand from the seed and the call's stream
// (population_json.go), never stored.
type population struct {
	seed    uint64
	anchor  time.Time
	account string
	size    int

	once  sync.Once
	calls []popCall      // newest start first; SIDs break ties
	bySID map[string]int // index into calls
}

type popCall struct {
	callFacts
	// stream is the PCG stream the call was generated from; its details use
	// the stream after it.
	stream  uint64
	quality tagBits
	// connect is the connect_duration in seconds (0: never answered).
	connect int
	// base is the annotation the call was generated with (nil: none). The
	// annotation store overrides it once the call is annotated.
	base *gen.Annotation
}

func newPopulation(size int, seed uint64, anchor time.Time, account string) *population {
	return &population{seed: seed, anchor: anchor.Truncate(time.Second), account: account, size: size}
}

// ensure generates the calls the first time they are needed: NewHandler stays
// as fast with 5,000 calls as with none.
func (p *population) ensure() {
	p.once.Do(func() {
		p.calls = make([]popCall, 0, p.size)
		p.bySID = make(map[string]int, p.size)
		g := newGenerator(p)
		for i := range p.size {
			c := g.call(uint64(i) * 2)
			if _, dup := p.bySID[c.sid]; dup {
				continue // 2^-128: never, but a SID must name one call
			}
			p.bySID[c.sid] = 0
			p.calls = append(p.calls, c)
		}
		slices.SortFunc(p.calls, func(a, b popCall) int { return compareNewest(a.start, b.start, a.sid, b.sid) })
		for i := range p.calls {
			p.bySID[p.calls[i].sid] = i
		}
	})
}

// lookup returns the generated call with sid.
func (p *population) lookup(sid string) (*popCall, bool) {
	if p == nil {
		return nil, false
	}
	p.ensure()
	i, ok := p.bySID[sid]
	if !ok {
		return nil, false
	}
	return &p.calls[i], true
}

// compareNewest orders by time, newest first, then by SID.
func compareNewest(at, bt time.Time, as, bs string) int {
	if c := bt.Compare(at); c != 0 {
		return c
	}
	return strings.Compare(as, bs)
}

// tagBits is the set of quality tags of a generated call. The metrics its
// summary reports are drawn to agree with them (population_json.go).
type tagBits uint8

const (
	tagSilence tagBits = 1 << iota
	tagHighJitter
	tagHighPacketLoss
	tagHighPDD
	tagHighLatency
	tagLowMOS
	tagICEFailure
)

var tagNames = [...]string{"silence", "high_jitter", "high_packet_loss", "high_pdd", "high_latency", "low_mos", "ice_failure"}

// A generator draws calls. Its tables are built per population: no package
// state is shared between sandboxes.
type generator struct {
	p       *population
	parties []partyFacts // external PSTN parties: calls share them, so From/To filters match several
	twilio  []partyFacts // the account's own numbers
	trusts  trustProfiles
	tagSets map[tagBits][]string
}

func newGenerator(p *population) *generator {
	g := &generator{p: p, trusts: newTrustProfiles(), tagSets: map[tagBits][]string{}}
	rng := rand.New(rand.NewPCG(p.seed, 1<<63))
	for range 400 {
		g.parties = append(g.parties, drawPSTNParty(rng))
	}
	for _, cc := range []string{"US", "US", "US", "GB", "CA", "AU"} {
		g.twilio = append(g.twilio, partyFacts{number: drawNumber(rng, countryByCode(cc)), carrier: "Twilio", country: cc})
	}
	return g
}

// call draws the facts of one call from its own PCG stream, so that any call
// can be regenerated without the others.
func (g *generator) call(stream uint64) popCall {
	rng := rand.New(rand.NewPCG(g.p.seed, stream))
	c := popCall{stream: stream}
	c.sid = fmt.Sprintf("CA%016x%016x", rng.Uint64(), rng.Uint64())
	c.account = g.p.account
	c.callType = pick(rng, callTypeWeights)
	c.direction = pick(rng, directionWeights[c.callType])
	c.callState = pick(rng, callStateWeights)
	var ring int
	c.connect, ring, c.lastSIP = drawOutcome(rng, c.callState)
	duration := c.connect + ring

	// A tenth of the calls in the last four hours, the rest over the 30 days
	// (an hour short, so none ages out while a test runs).
	var endAge time.Duration
	if rng.Float64() < 0.1 {
		endAge = time.Duration(rng.Int64N(int64(recentSpan)))
	} else {
		endAge = time.Duration(rng.Int64N(int64(retention - time.Hour)))
	}
	c.end = g.p.anchor.Add(-endAge).Truncate(time.Second)
	c.start = c.end.Add(-time.Duration(duration) * time.Second)

	g.setParties(rng, &c)
	c.answeredBy = gen.AnsweredByUnknown
	if c.direction == string(gen.CallDirectionOutboundAPI) && c.connect > 0 && rng.Float64() < 0.35 {
		c.answeredBy = pick(rng, amdWeights)
	}
	c.quality = drawQuality(rng, c.callType, c.connect > 0)
	c.tags = g.tagSet(c.quality)
	c.trust = g.trusts.draw(rng, &c)
	if c.callState == gen.CallStateCompleted && rng.Float64() < 0.08 {
		c.base = drawAnnotation(rng, &c)
	}
	return c
}

// setParties sets from and to for the call type and direction: the far end
// (a PSTN party, a SIP URI or a Voice SDK client) calls one of the account's
// numbers, or is called from it.
func (g *generator) setParties(rng *rand.Rand, c *popCall) {
	far := g.parties[rng.IntN(len(g.parties))]
	near := g.twilio[rng.IntN(len(g.twilio))]
	switch c.callType {
	case gen.CallTypeSIP:
		far = partyFacts{number: fmt.Sprintf("sip:%s@%s", pick(rng, sipUsers), pick(rng, sipDomains))}
	case gen.CallTypeClient:
		// A client calls, or is called by, a PSTN party.
		near = partyFacts{number: "client:" + pick(rng, sipUsers)}
	case gen.CallTypeWhatsapp:
		far.carrier = "" // the carrier network is not involved
	}
	c.from, c.to = near, far
	if c.direction == string(gen.CallDirectionInbound) || c.direction == string(gen.CallDirectionTrunkingOriginating) {
		c.from, c.to = far, near
	}
}

func (g *generator) tagSet(bits tagBits) []string {
	if bits == 0 {
		return nil
	}
	if s, ok := g.tagSets[bits]; ok {
		return s
	}
	var s []string
	for i, name := range tagNames {
		if bits&(1<<i) != 0 {
			s = append(s, name)
		}
	}
	g.tagSets[bits] = s
	return s
}

// drawOutcome returns the connect and ringing durations in seconds and the
// last SIP response for a final call state.
func drawOutcome(rng *rand.Rand, state gen.CallState) (connect, ring, sip int) {
	ring = 2 + rng.IntN(18)
	switch state {
	case gen.CallStateCompleted, gen.CallStateAnswered:
		// Log-uniform from 5 s to an hour: many short calls, a few long ones.
		connect = int(5 * math.Pow(720, rng.Float64()))
		return connect, ring, 200
	case gen.CallStateBusy:
		return 0, 1 + rng.IntN(5), 486
	case gen.CallStateNoanswer:
		return 0, 20 + rng.IntN(40), pick(rng, []weighted[int]{{480, 3}, {408, 1}})
	case gen.CallStateFail:
		return 0, rng.IntN(4), pick(rng, []weighted[int]{{404, 3}, {503, 2}, {500, 1}, {403, 1}})
	case gen.CallStateCanceled:
		return 0, 3 + rng.IntN(25), 487
	case gen.CallStateRinging:
		return 0, ring, 180
	}
	return 0, 0, 0 // undialed: no SIP exchange at all
}

func drawQuality(rng *rand.Rand, t gen.CallType, connected bool) tagBits {
	var q tagBits
	chance := func(p float64, bit tagBits) {
		if rng.Float64() < p {
			q |= bit
		}
	}
	if t == gen.CallTypeCarrier || t == gen.CallTypeTrunking {
		chance(0.05, tagHighPDD)
	}
	if !connected {
		return q
	}
	chance(0.02, tagSilence)
	chance(0.08, tagHighJitter)
	chance(0.06, tagHighPacketLoss)
	switch t {
	case gen.CallTypeSIP, gen.CallTypeTrunking:
		chance(0.04, tagHighLatency)
	case gen.CallTypeClient:
		chance(0.10, tagLowMOS)
		chance(0.02, tagICEFailure)
	}
	return q
}

func drawAnnotation(rng *rand.Rand, c *popCall) *gen.Annotation {
	a := &gen.Annotation{
		AnsweredBy:        new(pick(rng, []weighted[gen.AnnotationAnsweredBy]{{gen.AnnotationAnsweredByHuman, 8}, {gen.AnnotationAnsweredByMachine, 2}})),
		ConnectivityIssue: new(pick(rng, connectivityWeights)),
		Spam:              new(rng.Float64() < 0.05),
		CallScore:         new(1 + rng.IntN(5)),
	}
	issues := []gen.QualityIssue{gen.QualityIssueNoQualityIssue}
	if c.quality != 0 || rng.Float64() < 0.2 {
		issues = []gen.QualityIssue{pick(rng, qualityIssueWeights)}
		if rng.Float64() < 0.3 {
			if second := pick(rng, qualityIssueWeights); second != issues[0] {
				issues = append(issues, second)
			}
		}
	}
	a.QualityIssues = issues
	if rng.Float64() < 0.4 {
		a.Comment = new(pick(rng, comments))
	}
	if rng.Float64() < 0.1 {
		a.Incident = new(fmt.Sprintf("https://support.example.com/tickets/%d", 10000+rng.IntN(90000)))
	}
	return a
}

// popStates reports which summaries of a generated call exist at now: none
// until PartialAfter past its end (Lifecycle's, or Twilio's ten minutes),
// partial until CompleteAfter, then complete; none once the call is older
// than Twilio's 30 days, or if it has not started yet (a clock set back).
func (h *Handler) popStates(c *popCall, now time.Time) (partial, complete bool) {
	partialAfter, completeAfter := DefaultPartialAfter, DefaultCompleteAfter
	if lc := h.cfg.lifecycle; lc != nil {
		partialAfter, completeAfter = lc.PartialAfter, lc.CompleteAfter
	}
	age := now.Sub(c.end)
	if c.start.After(now) || age > retention {
		return false, false
	}
	return age >= partialAfter, age >= completeAfter
}

// generatedCall returns the generated call with sid, or nil.
func (h *Handler) generatedCall(sid string) *popCall {
	c, ok := h.pop.lookup(sid)
	if !ok {
		return nil
	}
	return c
}

// generatedSummary is FetchSummary for a generated call: the same bytes the
// list serves for it, at the clock's now.
func (h *Handler) generatedSummary(sid string, want gen.ProcessingState) ([]byte, bool) {
	c := h.generatedCall(sid)
	if c == nil {
		return nil, false
	}
	partial, complete := h.popStates(c, h.cfg.clock())
	state := gen.ProcessingStateComplete
	switch {
	case complete:
	case partial && want == gen.ProcessingStatePartial:
		state = gen.ProcessingStatePartial
	default:
		return nil, false
	}
	return h.pop.summaryBytes(c, state, h.annotationOf(listEntry{facts: &c.callFacts, pop: c})), true
}

// PopulationCalls lists the generated calls, newest first, with the
// summaries that exist for each at the clock's now (none for a call that
// ended minutes ago). It is empty without a population.
func (h *Handler) PopulationCalls() []SampleCall {
	if h.pop == nil {
		return nil
	}
	h.pop.ensure()
	now := h.cfg.clock()
	out := make([]SampleCall, len(h.pop.calls))
	for i := range h.pop.calls {
		c := &h.pop.calls[i]
		out[i] = SampleCall{SID: c.sid, CallType: c.callType,
			Description: fmt.Sprintf("generated %s call, %s, %s", c.callType, strings.ReplaceAll(c.direction, "_", " "), c.callState)}
		partial, complete := h.popStates(c, now)
		if complete {
			out[i].States = append(out[i].States, gen.ProcessingStateComplete)
		}
		if partial {
			out[i].States = append(out[i].States, gen.ProcessingStatePartial)
		}
	}
	return out
}
