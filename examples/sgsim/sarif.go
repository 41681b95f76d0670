package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/sgsim/sgsim/provider/load"
	"github.com/sgsim/sgsim/sgsim"
	"github.com/sgsim/sgsim/sgsim/analyze"
	"github.com/sgsim/sgsim/sgsim/intent"
)

// SARIF 2.1.0 output (-format sarif) of lint, check and exposure, for
// code-scanning tools (GitHub code scanning, GitLab, Azure DevOps).
//
// Rule IDs are stable: lint's codes SG001-SG007; SG101 must_allow, SG102
// must_deny and SG103 must_be_answerable for check; SG201 for exposure.
// Levels: high error, medium warning, low and info note; a failed
// intent error, an unknown one warning. A result's locations are the
// intent file and line (check), and the deciding rules' origins as
// logical locations: a Terraform resource address (kind "resource"), a
// vendor record ID (kind "resource", with its group), or a seed table
// row (kind "member"), so a reviewer can find the rule. Each result
// carries a partialFingerprints entry that stays the same from run to
// run while the finding does.
//
// The intent file's artifact location is a URI, as code scanning wants
// it, whatever form the path was given in: inside the current working
// directory (the root; run sgsim from the repository's root, as CI
// does, for URIs that match the repository), a relative URI with
// uriBaseId "%SRCROOT%", the run's originalUriBaseIds giving
// %SRCROOT% as the working directory's file:// URI; elsewhere
// (/tmp/..., ../...), an absolute file:// URI. Forward slashes,
// percent-encoded. The working directory, not the enclosing git work
// tree: the output depends on nothing but the arguments and where sgsim
// runs, and no file is read to find a root.

const sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifact `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult            `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string      `json:"id"`
	Name                 string      `json:"name"`
	ShortDescription     sarifText   `json:"shortDescription"`
	DefaultConfiguration sarifConfig `json:"defaultConfiguration"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// sarifSrcRoot is the uriBaseId of locations relative to the root.
const sarifSrcRoot = "%SRCROOT%"

// sarifArtifactOf is the artifact location of the file at path (as the
// user gave it, relative to the working directory root or absolute):
// relative to %SRCROOT% when it is inside root, else an absolute
// file:// URI. An empty root (the working directory unknown) makes
// every path absolute as filepath.Abs can; failing that, the path as a
// relative URI with no base.
func sarifArtifactOf(path, root string) sarifArtifact {
	abs := path
	if !filepath.IsAbs(abs) {
		if root == "" {
			a, err := filepath.Abs(path)
			if err != nil {
				return sarifArtifact{URI: relURI(filepath.ToSlash(filepath.Clean(path)))}
			}
			abs = a
		} else {
			abs = filepath.Join(root, path)
		}
	}
	abs = filepath.Clean(abs)
	if root != "" {
		if rel, err := filepath.Rel(root, abs); err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel) {
			return sarifArtifact{URI: relURI(filepath.ToSlash(rel)), URIBaseID: sarifSrcRoot}
		}
	}
	return sarifArtifact{URI: fileURI(abs)}
}

// relURI percent-encodes a slash-separated relative path as a URI
// reference; a colon is encoded too, so that no first segment reads as
// a scheme.
func relURI(p string) string {
	return strings.ReplaceAll((&url.URL{Path: p}).EscapedPath(), ":", "%3A")
}

// fileURI is the file:// URI of an absolute path (file:///C:/x on
// Windows).
func fileURI(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// sarifRootURI is the originalUriBaseIds entry of root: its file:// URI,
// ending in a slash as SARIF requires.
func sarifRootURI(root string) sarifArtifact {
	u := fileURI(filepath.Clean(root))
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return sarifArtifact{URI: u}
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifLogical struct {
	Name               string `json:"name,omitempty"`
	FullyQualifiedName string `json:"fullyQualifiedName,omitempty"`
	Kind               string `json:"kind,omitempty"`
}

// sarifRules are every rule sgsim reports, in ID order.
var sarifRules = []sarifRule{
	{ID: analyze.Shadowed, Name: "shadowed-rule", ShortDescription: sarifText{"The rule decides no flow: earlier rules take all of it."}, DefaultConfiguration: sarifConfig{"warning"}},
	{ID: analyze.Conflict, Name: "conflicting-rules", ShortDescription: sarifText{"Overlapping rules with opposite actions; the vendor's ordering picks the winner."}, DefaultConfiguration: sarifConfig{"note"}},
	{ID: analyze.Redundant, Name: "redundant-rule", ShortDescription: sarifText{"Removing the rule changes no flow's action."}, DefaultConfiguration: sarifConfig{"note"}},
	{ID: analyze.OverBroad, Name: "over-broad-ingress", ShortDescription: sarifText{"Ingress allow of every protocol from all addresses."}, DefaultConfiguration: sarifConfig{"error"}},
	{ID: analyze.VendorModify, Name: "vendor-modification-recommended", ShortDescription: sarifText{"The vendor's table marks the row \"Modification recommended\"."}, DefaultConfiguration: sarifConfig{"warning"}},
	{ID: analyze.EmptyReference, Name: "empty-group-reference", ShortDescription: sarifText{"The rule references a security group with no members."}, DefaultConfiguration: sarifConfig{"warning"}},
	{ID: analyze.WrongFamily, Name: "wrong-address-family", ShortDescription: sarifText{"The rule matches only an address family the group never guards."}, DefaultConfiguration: sarifConfig{"note"}},
	{ID: "SG101", Name: "must-allow", ShortDescription: sarifText{"A must_allow intent fails: flows it requires are dropped."}, DefaultConfiguration: sarifConfig{"error"}},
	{ID: "SG102", Name: "must-deny", ShortDescription: sarifText{"A must_deny intent fails: flows it forbids are delivered."}, DefaultConfiguration: sarifConfig{"error"}},
	{ID: "SG103", Name: "must-be-answerable", ShortDescription: sarifText{"A must_be_answerable intent fails: flows or their replies are dropped."}, DefaultConfiguration: sarifConfig{"error"}},
	{ID: "SG201", Name: "exposed-to-outside", ShortDescription: sarifText{"An endpoint's port or protocol is reachable from outside the cluster."}, DefaultConfiguration: sarifConfig{"warning"}},
}

func sarifRuleIndex(id string) int {
	for i, r := range sarifRules {
		if r.ID == id {
			return i
		}
	}
	panic("sgsim: no SARIF rule " + id)
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s analyze.Severity) string {
	switch s {
	case analyze.High:
		return "error"
	case analyze.Medium:
		return "warning"
	}
	return "note"
}

// emitJSON writes v as indented JSON.
func emitJSON(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func newSARIF(results []sarifResult) sarifLog {
	if results == nil {
		results = []sarifResult{}
	}
	return sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{{
		Tool:    sarifTool{Driver: sarifDriver{Name: "sgsim", InformationURI: "https://github.com/sgsim/sgsim", Rules: sarifRules}},
		Results: results,
	}}}
}

// ruleLocations are the logical locations of a rule's origin.
func ruleLocations(group string, r *sgsim.Rule) []sarifLogical {
	if r == nil {
		if group == "" {
			return nil
		}
		return []sarifLogical{{Name: group, FullyQualifiedName: "group " + group, Kind: "resource"}}
	}
	o := r.Origin
	var out []sarifLogical
	switch {
	case terraformAddress(o) != "":
		out = append(out, sarifLogical{Name: o.Path, FullyQualifiedName: o.Path, Kind: "resource"})
	case o.Record != "":
		out = append(out, sarifLogical{Name: o.Record, FullyQualifiedName: strings.TrimSpace(o.Vendor + " " + group + " " + o.Record), Kind: "resource"})
	case o.Table != "" || o.Row > 0:
		out = append(out, sarifLogical{Name: fmt.Sprintf("%s row %d", o.Table, o.Row), FullyQualifiedName: o.String(), Kind: "member"})
	}
	if group != "" {
		name := r.ID
		if name == "" {
			name = r.String()
		}
		out = append(out, sarifLogical{Name: name, FullyQualifiedName: "group " + group + " rule " + name, Kind: "member"})
	}
	return out
}

// lintSARIF is lint's findings as SARIF results.
func lintSARIF(n *load.Network, fs []analyze.Finding) sarifLog {
	var rs []sarifResult
	for _, f := range fs {
		r := sarifResult{RuleID: f.Code, RuleIndex: sarifRuleIndex(f.Code), Level: sarifLevel(f.Severity),
			Message:             sarifText{fmt.Sprintf("[%s] %s", f.Set, f.Message)},
			PartialFingerprints: map[string]string{"sgsim/v1": f.Code + "|" + f.Set + "|" + refsKey(f.Rules)}}
		if f.Witness != "" {
			r.Message.Text += "; witness " + f.Witness
		}
		var logical []sarifLogical
		for _, ref := range f.Rules {
			logical = append(logical, ruleLocations(ref.Group, ruleOf(n, ref))...)
		}
		if len(logical) > 0 {
			r.Locations = []sarifLocation{{LogicalLocations: dedupLogical(logical)}}
		}
		rs = append(rs, r)
	}
	return newSARIF(rs)
}

func refsKey(refs []*analyze.RuleRef) string {
	var parts []string
	for _, r := range refs {
		parts = append(parts, r.Group+"/"+r.Text)
	}
	return strings.Join(parts, "|")
}

func dedupLogical(ls []sarifLogical) []sarifLogical {
	var out []sarifLogical
	seen := map[sarifLogical]bool{}
	for _, l := range ls {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// ruleOf finds the rule a lint reference names, for its origin.
func ruleOf(n *load.Network, ref *analyze.RuleRef) *sgsim.Rule {
	for _, gs := range [][]sgsim.Group{n.Spec.Groups, n.Spec.ACLs} {
		for _, g := range gs {
			if g.ID == ref.Group && ref.Index >= 0 && ref.Index < len(g.Rules) {
				return &g.Rules[ref.Index]
			}
		}
	}
	return nil
}

var intentRuleIDs = map[intent.Kind]string{intent.MustAllow: "SG101", intent.MustDeny: "SG102", intent.MustBeAnswerable: "SG103"}

// checkSARIF is check's failed and unknown intents as SARIF results,
// located in the intent file; root is the working directory
// (sarifArtifactOf).
func checkSARIF(file, root string, rs []intent.Result) sarifLog {
	art := sarifArtifactOf(file, root)
	var out []sarifResult
	for _, r := range rs {
		if r.Status != intent.Fail && r.Status != intent.Unknown {
			continue
		}
		in := r.Intent
		id := intentRuleIDs[in.Kind]
		res := sarifResult{RuleID: id, RuleIndex: sarifRuleIndex(id), Level: "error",
			PartialFingerprints: map[string]string{"sgsim/v1": id + "|" + in.Name}}
		msg := "fails: " + in.String()
		if r.Status == intent.Unknown {
			res.Level = "warning"
			msg = "unknown until apply (depends on group " + strings.Join(r.Uncertain, ", ") + "): " + in.String()
		}
		loc := sarifLocation{PhysicalLocation: &sarifPhysical{ArtifactLocation: art}}
		if in.Line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: in.Line, StartColumn: in.Column}
		}
		if r.Witness.IsValid() {
			msg += "; witness " + r.Witness.String()
			if st, ok := r.Decider(); ok {
				msg += "; decided at " + st.String()
				loc.LogicalLocations = ruleLocations(st.Verdict.Group, st.Verdict.Rule)
			}
		}
		res.Message.Text = msg
		res.Locations = []sarifLocation{loc}
		out = append(out, res)
	}
	log := newSARIF(out)
	if art.URIBaseID != "" && len(out) > 0 {
		log.Runs[0].OriginalURIBaseIDs = map[string]sarifArtifact{sarifSrcRoot: sarifRootURI(root)}
	}
	return log
}

// exposureSARIF is the exposure audit as SARIF results.
func exposureSARIF(xs []analyze.Exposed) sarifLog {
	var out []sarifResult
	for _, x := range xs {
		what := exposureWhat(x)
		res := sarifResult{RuleID: "SG201", RuleIndex: sarifRuleIndex("SG201"), Level: sarifLevel(x.Severity),
			Message:             sarifText{fmt.Sprintf("%s: %s reachable from %s (to %s); let in by %s", x.Endpoint, what, x.Sources, x.Dst, x.Verdict.Why())},
			PartialFingerprints: map[string]string{"sgsim/v1": "SG201|" + x.Endpoint + "|" + what + "|" + x.Sources.String()}}
		logical := append([]sarifLogical{{Name: x.Endpoint, FullyQualifiedName: "endpoint " + x.Endpoint, Kind: "object"}},
			ruleLocations(x.Verdict.Group, x.Verdict.Rule)...)
		res.Locations = []sarifLocation{{LogicalLocations: logical}}
		out = append(out, res)
	}
	return newSARIF(out)
}
