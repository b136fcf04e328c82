package main

import (
	"errors"
	"strings"

	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// The flags check their values as they are parsed, so the SDK's own checks
// (ErrInvalidFilter, ErrInvalidAnnotation) rarely fire. When one does, its
// message names a Go field; inFlagTerms names the flag the user typed.

// filterFlags maps ListFilter's fields to list's flags.
var filterFlags = map[string]string{
	"From": "--from", "To": "--to", "FromCarrier": "--from-carrier", "ToCarrier": "--to-carrier",
	"FromCountryCode": "--from-country", "ToCountryCode": "--to-country",
	"CallTypes": "--call-type", "CallStates": "--state", "Directions": "--direction",
	"Start": "--since/--from-time", "End": "--until/--to-time",
	"ProcessingState": "--processing-state", "SortBy": "--sort", "Subaccount": "--subaccount",
	"AnsweredBy": "--answered-by", "VerifiedCaller": "--verified-caller", "HasTag": "--has-tag",
	"AbnormalSession": "--abnormal-session", "AnsweredByAnnotation": "--annotated-by",
	"ConnectivityIssueAnnotations": "--annotated-connectivity", "QualityIssueAnnotations": "--annotated-issue",
	"SpamAnnotation": "--annotated-spam", "CallScoreAnnotations": "--annotated-score",
	"BrandedEnabled": "--branded", "BrandedLogo": "--branded-logo", "BrandedType": "--branded-type",
	"VoiceIntegrityEnabled": "--voice-integrity", "VoiceIntegrityUseCase": "--voice-integrity-use-case",
	"BusinessProfileIdentity": "--business-identity", "BusinessProfileIndustry": "--business-industry",
	"BusinessProfileType": "--business-type", "PageSize": "--page-size",
}

// annotationFlags maps AnnotationUpdate's fields to annotate's flags.
var annotationFlags = map[string]string{
	"AnsweredBy": "--answered-by", "ConnectivityIssue": "--connectivity", "QualityIssues": "--issue",
	"Spam": "--spam", "CallScore": "--score", "Comment": "--comment", "Incident": "--incident",
}

// inFlagTerms rewrites the SDK's "invalid …: Field[i] …" as "--flag …".
// An error it cannot read is returned as it is.
func inFlagTerms(err error, flags map[string]string) error {
	for _, sentinel := range []error{callsummary.ErrInvalidFilter, callsummary.ErrInvalidAnnotation} {
		if !errors.Is(err, sentinel) {
			continue
		}
		rest, ok := strings.CutPrefix(err.Error(), sentinel.Error()+": ")
		if !ok {
			return err
		}
		end := strings.IndexAny(rest, " [")
		if end < 0 {
			return err
		}
		flag, ok := flags[rest[:end]]
		if !ok {
			return err
		}
		rest = rest[end:]
		if strings.HasPrefix(rest, "[") { // an element's index: the flag has no such thing
			if i := strings.IndexByte(rest, ']'); i >= 0 {
				rest = rest[i+1:]
			}
		}
		return &reworded{msg: flag + rest, err: err}
	}
	return err
}

// reworded is an error said otherwise, still matching what it wraps.
type reworded struct {
	msg string
	err error
}

func (r *reworded) Error() string { return r.msg }
func (r *reworded) Unwrap() error { return r.err }
