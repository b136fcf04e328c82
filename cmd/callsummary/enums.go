package main

import "github.com/voiceinsights/callsummary/internal/callreport"

// The values the flags know, from openapi/insights.yaml (a test checks each
// list against the document). Twilio enforces only ProcessingState, SortBy
// and AnsweredBy as enums; the others it lists in prose, and may extend, so
// their flags send an unknown value as given, with a note.
var (
	knownCallTypes        = callreport.CallTypes
	knownCallStates       = callreport.CallStates
	knownDirections       = callreport.Directions
	knownProcessingStates = callreport.ProcessingStates
	knownAnsweredBy       = callreport.AnsweredBy
	knownListStates       = []string{"completed", "started", "partial", "all"}
	knownSortBy           = []string{"start_time", "end_time"}
	knownAnnotatedBy      = []string{"human", "machine"}
	// knownAnnotationAnsweredBy is what annotate --answered-by sets.
	knownAnnotationAnsweredBy = []string{"human", "machine", "unknown_answered_by"}
	knownConnectivity         = []string{"no_connectivity_issue", "invalid_number", "caller_id", "dropped_call", "number_reachability", "unknown_connectivity_issue"}
	knownQualityIssues        = []string{"no_quality_issue", "low_volume", "choppy_robotic", "echo", "dtmf", "latency", "owa", "static_noise", "unknown_quality_issue"}
	knownBrandedTypes         = []string{"in_band", "out_of_band"}
	knownProfileIdentities    = []string{"direct_customer", "isv_reseller_or_partner"}
	knownProfileTypes         = []string{"primary", "secondary"}
	knownUseCases             = []string{"abandoned_cart", "appointment_reminders", "appointment_scheduling", "asset_management",
		"automated_support", "call_tracking", "click_to_call", "contact_tracing", "contactless_delivery", "customer_support",
		"dating/social", "delivery_notifications", "distance_learning", "emergency_notifications", "employee_notifications",
		"exam_proctoring", "field_notifications", "first_responder", "fraud_alerts", "group_messaging", "identify_&_verification",
		"intelligent_routing", "lead_alerts", "lead_distribution", "lead_generation", "lead_management", "lead_nurturing",
		"marketing_events", "mass_alerts", "meetings/collaboration", "order_notifications", "outbound_dialer", "pharmacy",
		"phone_system", "purchase_confirmation", "remote_appointments", "rewards_program", "self-service", "service_alerts",
		"shift_management", "survey/research", "telehealth", "telemarketing", "therapy_(individual+group)"}
	knownIndustries = []string{"agriculture", "automotive", "banking", "construction", "consumer", "education", "electronics",
		"energy", "engineering", "fast_moving_consumer_goods", "financial", "fintech", "food_and_beverage", "government",
		"healthcare", "hospitality", "insurance", "jewelry", "legal", "manufacturing", "media", "not_for_profit", "oil_and_gas",
		"online", "professional_services", "raw_materials", "real_estate", "religion", "retail", "technology",
		"telecommunications", "transportation", "travel"}
)
