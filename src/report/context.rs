//! The report context: everything a report template may use, built from the case, its
//! template and the scores. Template authors see it as Jinja variables (documented in
//! `docs/report-context.md`); a misspelt name is an error, never blank text.

use crate::case::CaseState;
use crate::case::event::{Phase, Wording};
use crate::engine;
use crate::scoring::{self, Change, Scores, Total};
use crate::template::Template;
use crate::template::model::{Aspect, EvidenceKind};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The date a report carries: the latest sign-off's, else the last session's, else the case's
/// first event day. Never the clock, so the same case renders the same bytes.
pub fn report_date(state: &CaseState) -> String {
    if let Some(s) = state.sign_offs.last() {
        return s.date.clone();
    }
    state.sessions.last().map(|s| s.start.date.clone()).unwrap_or_default()
}

fn long_date(iso: &str) -> String {
    match iso.parse::<jiff::civil::Date>() {
        Ok(d) => d.strftime("%-d %B %Y").to_string(),
        Err(_) => iso.to_string(),
    }
}

fn age_text(dob: &str, at: &str) -> String {
    let (Ok(d), Ok(a)) = (dob.parse::<jiff::civil::Date>(), at.parse::<jiff::civil::Date>()) else {
        return String::new();
    };
    let months = d.until((jiff::Unit::Month, a)).map(|s| s.get_months()).unwrap_or(0);
    match months {
        m if m < 24 => format!("{m} months"),
        m => format!("{} years", m / 12),
    }
}

fn kind_label(k: EvidenceKind) -> &'static str {
    match k {
        EvidenceKind::Observation => "Observation by the assessor",
        EvidenceKind::ParentAccount => "The parent's own account",
        EvidenceKind::ThirdParty => "Report from another professional",
        EvidenceKind::Document => "Document",
    }
}

fn level_json(t: &Template, scale_id: &str, level: &str) -> Value {
    let scale = t.scales.iter().find(|s| s.id == scale_id);
    let index = scale.and_then(|s| s.levels.iter().position(|l| l.id == level));
    let l = scale.and_then(|s| s.levels.iter().find(|l| l.id == level));
    json!({
        "id": level,
        "label": l.map_or(level, |l| l.label.as_str()),
        "colour": l.and_then(|l| l.colour.clone()).unwrap_or_else(|| "#607d8b".into()),
        "index": index,
    })
}

fn total_json(total: &Total) -> Value {
    match total {
        Total::Scored { value, prorated, band } => json!({
            "scored": true,
            "value": value,
            "prorated": prorated,
            "band": band.as_ref().map(|b| b.label.clone()),
            "band_level": band.as_ref().and_then(|b| b.level.clone()),
            "text": total.text(),
        }),
        Total::NotScorable { missing, allowed } => json!({
            "scored": false,
            "missing": missing,
            "allowed": allowed,
            "text": total.text(),
        }),
    }
}

/// The first cue card of an area's items, to illustrate it in the easy-read summary.
fn area_card(t: &Template, area: &str) -> Option<String> {
    let section = t.areas.iter().find(|s| s.id == area)?;
    section.items.iter().find_map(|i| {
        i.cue_card.clone().or_else(|| i.aspects.as_ref().and_then(|m| m.values().find_map(|q| q.cue_card.clone())))
    })
}

/// Builds the context for a case.
pub fn build(t: &Template, state: &CaseState, scores: &Scores) -> Value {
    let info = &state.info;
    let date = report_date(state);
    let name_of = |id: &str| info.carers.iter().find(|c| c.id == id).map_or(id.to_string(), |c| c.name.clone());
    let final_ = state.phase == Phase::SignedOff;
    let priority_scale = t.scoring.area_priority.as_ref().map(|r| r.priority_scale.clone());
    let rating_scale = t.scoring.area_priority.as_ref().map(|r| r.rating_scale.clone());

    // Evidence in force, in order, with what it supports by title.
    let questions = engine::questions(t);
    let item_title =
        |item: &str| questions.iter().find(|q| q.item.id == item).map_or(item.to_string(), |q| q.item.title.clone());
    let area_of = |item: &str| questions.iter().find(|q| q.item.id == item).map(|q| q.section.id.clone());
    let evidence: Vec<Value> = state
        .current_evidence()
        .map(|r| {
            let e = &r.entry;
            let supports: BTreeSet<String> = e.supports.iter().map(|q| item_title(&q.item)).collect();
            let mut areas: Vec<String> = Vec::new();
            for q in &e.supports {
                let title = questions
                    .iter()
                    .find(|x| x.item.id == q.item)
                    .map_or_else(|| q.item.clone(), |x| x.section.title.clone());
                if !areas.contains(&title) {
                    areas.push(title);
                }
            }
            let corrects = e.supersedes.clone();
            json!({
                "id": e.id,
                "kind": e.kind.as_str(),
                "kind_label": kind_label(e.kind),
                "date": e.date,
                "date_long": long_date(&e.date),
                "place": e.place,
                "text": e.text,
                "source": e.source.as_ref().map(|s| json!({"who": s.who, "role": s.role, "agency": s.agency})),
                "document": e.document,
                "supports": supports.into_iter().collect::<Vec<_>>(),
                "areas": areas,
                "carers": e.carers.iter().map(|c| name_of(c)).collect::<Vec<_>>(),
                "attachments": e.attachments.iter().map(|a| json!({"name": a.name, "sha256": a.sha256, "bytes": a.bytes})).collect::<Vec<_>>(),
                "corrects": corrects,
            })
        })
        .collect();
    let corrected: Vec<Value> = state
        .evidence
        .iter()
        .filter_map(|r| r.superseded_by.as_ref().map(|by| json!({"id": r.entry.id, "by": by, "date": r.entry.date})))
        .collect();

    let documents: Vec<Value> = state
        .current_evidence()
        .filter(|r| r.entry.kind == EvidenceKind::Document)
        .map(|r| json!({"id": r.entry.id, "title": r.entry.document, "date": r.entry.date, "date_long": long_date(&r.entry.date)}))
        .collect();
    let mut people = Vec::new();
    let mut seen = BTreeSet::new();
    for r in state.current_evidence() {
        if let Some(s) = &r.entry.source
            && seen.insert((s.who.clone(), s.role.clone()))
        {
            people.push(json!({"who": s.who, "role": s.role, "agency": s.agency}));
        }
    }

    let sessions: Vec<Value> = state
        .sessions
        .iter()
        .map(|s| {
            json!({
                "number": s.start.session,
                "date": s.start.date,
                "date_long": long_date(&s.start.date),
                "place": s.start.place,
                "present": s.start.present,
                "carers": s.start.carers.iter().map(|c| name_of(c)).collect::<Vec<_>>(),
                "note": s.note,
            })
        })
        .collect();

    let carers: Vec<Value> = scores
        .carers
        .iter()
        .map(|cs| {
            let carer = info.carers.iter().find(|c| c.id == cs.carer);
            let p = &state.carers[&cs.carer];
            let adaptations: Vec<Value> = p
                .adaptations
                .iter()
                .map(|a| {
                    let notes = t.adaptations.iter().find(|x| x.id == a.adaptation).map(|x| x.effects.notes.clone()).unwrap_or_default();
                    json!({"id": a.adaptation, "title": a.title, "reason": a.reason, "notes": notes, "because": a.because})
                })
                .collect();
            let easy_read_used = p.attempts.values().flatten().filter(|a| a.wording == Wording::EasyRead).count();
            let cards_used: BTreeSet<String> = p.attempts.values().flatten().filter_map(|a| a.cue_card.clone()).collect();
            let checks: usize = p.checks.values().map(Vec::len).sum();
            let reassessed = p.attempts.values().filter(|a| a.len() > 1).count();
            let areas: Vec<Value> = cs
                .areas
                .iter()
                .map(|a| {
                    let section = t.areas.iter().find(|s| s.id == a.area);
                    let priority = match (&a.priority, &priority_scale) {
                        (Some(l), Some(s)) => level_json(t, s, l),
                        _ => Value::Null,
                    };
                    let aspects: BTreeMap<&str, Value> = a
                        .aspects
                        .iter()
                        .filter_map(|(k, l)| rating_scale.as_ref().map(|s| (k.as_str(), level_json(t, s, l))))
                        .collect();
                    // Evidence for this area and carer, cited by number.
                    let area_evidence: Vec<&crate::case::state::EvidenceRecord> = state
                        .current_evidence()
                        .filter(|r| r.entry.carers.is_empty() || r.entry.carers.contains(&cs.carer))
                        .filter(|r| r.entry.supports.iter().any(|q| area_of(&q.item).as_deref() == Some(a.area.as_str())))
                        .collect();
                    let cite: Vec<String> = area_evidence.iter().map(|r| r.entry.id.clone()).collect();
                    let parent_views: Vec<Value> = area_evidence
                        .iter()
                        .filter(|r| r.entry.kind == EvidenceKind::ParentAccount)
                        .map(|r| json!({"id": r.entry.id, "text": r.entry.text}))
                        .collect();
                    let items: Vec<Value> = section
                        .map(|s| {
                            s.items
                                .iter()
                                .filter_map(|item| {
                                    let mut ratings = BTreeMap::new();
                                    let mut notes = Vec::new();
                                    for aspect in Aspect::ALL.into_iter().map(Some).chain([None]) {
                                        let q = crate::case::event::QuestionRef { item: item.id.clone(), aspect };
                                        if let Some(att) = p.latest(&q) {
                                            let spec = questions.iter().find(|x| x.qref() == q).and_then(|x| x.response(t));
                                            let level = spec.and_then(|s| scoring::rate(s, &att.value));
                                            let key = aspect.map_or("answer", |x| x.as_str());
                                            ratings.insert(
                                                key,
                                                match (level, &rating_scale) {
                                                    (Some(l), Some(sc)) => level_json(t, sc, &l),
                                                    _ => json!({"id": att.value, "label": att.value, "index": null}),
                                                },
                                            );
                                            if let Some(n) = &att.note {
                                                notes.push(n.clone());
                                            }
                                        }
                                    }
                                    if ratings.is_empty() {
                                        return None;
                                    }
                                    let skipped: Vec<Value> = p
                                        .skips
                                        .iter()
                                        .filter(|(q, _)| q.item == item.id)
                                        .map(|(q, s)| json!({"question": q.to_string(), "reason": s.reason}))
                                        .collect();
                                    let cite: Vec<String> = state
                                        .current_evidence()
                                        .filter(|r| r.entry.carers.is_empty() || r.entry.carers.contains(&cs.carer))
                                        .filter(|r| r.entry.supports.iter().any(|q| q.item == item.id))
                                        .map(|r| r.entry.id.clone())
                                        .collect();
                                    Some(json!({"id": item.id, "title": item.title, "ratings": ratings, "notes": notes, "skipped": skipped, "evidence": cite}))
                                })
                                .collect::<Vec<_>>()
                        })
                        .unwrap_or_default();
                    json!({
                        "id": a.area,
                        "title": a.title,
                        "easy_read_title": section.and_then(|s| s.easy_read_title.clone()).unwrap_or_else(|| a.title.clone()),
                        "description": section.and_then(|s| s.description.clone()),
                        "card": area_card(t, &a.area),
                        "priority": priority,
                        "aspects": aspects,
                        "rule": a.rule,
                        "first_priority": match (&a.first_priority, &priority_scale) {
                            (Some(l), Some(s)) => level_json(t, s, l),
                            _ => Value::Null,
                        },
                        "change": a.change.map(Change::as_str),
                        "analysis": state.narrative.get(&format!("area:{}", a.area)).map(|n| n.text.clone()),
                        "items": items,
                        "evidence": cite,
                        "parent_views": parent_views,
                    })
                })
                .collect();
            let title_of = |id: &String| cs.areas.iter().find(|a| &a.area == id).map_or(id.clone(), |a| a.title.clone());
            let needs: Vec<Value> = cs
                .needs
                .iter()
                .filter_map(|id| {
                    let a = cs.areas.iter().find(|a| &a.area == id)?;
                    let p = match (&a.priority, &priority_scale) {
                        (Some(l), Some(s)) => level_json(t, s, l),
                        _ => Value::Null,
                    };
                    let section = t.areas.iter().find(|s| s.id == a.area);
                    Some(json!({"id": id, "title": a.title, "easy_read_title": section.and_then(|s| s.easy_read_title.clone()).unwrap_or_else(|| a.title.clone()), "priority": p, "card": area_card(t, id)}))
                })
                .collect();
            let strengths: Vec<Value> = cs
                .strengths
                .iter()
                .map(|id| {
                    let section = t.areas.iter().find(|s| &s.id == id);
                    json!({"id": id, "title": title_of(id), "easy_read_title": section.and_then(|s| s.easy_read_title.clone()).unwrap_or_else(|| title_of(id)), "card": area_card(t, id)})
                })
                .collect();
            let measures: Vec<Value> = cs
                .measures
                .iter()
                .map(|m| {
                    json!({
                        "id": m.id,
                        "title": m.title,
                        "total": total_json(&m.total),
                        "subscales": m.subscales.iter().map(|s| json!({"id": s.id, "title": s.title, "total": total_json(&s.total)})).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let changes: Vec<Value> = cs
                .changes
                .iter()
                .map(|c| {
                    let label = |l: &str| rating_scale.as_ref().map_or(l.to_string(), |s| scoring::level_label(t, s, l).to_string());
                    json!({
                        "question": c.question.to_string(),
                        "item": item_title(&c.question.item),
                        "aspect": c.question.aspect.map(|a| a.as_str()),
                        "area": title_of(&c.area),
                        "first": label(&c.first.0),
                        "first_session": c.first.1,
                        "latest": label(&c.latest.0),
                        "latest_session": c.latest.1,
                        "change": c.change.as_str(),
                    })
                })
                .collect();
            json!({
                "id": cs.carer,
                "name": carer.map(|c| c.name.clone()),
                "relationship": carer.map(|c| c.relationship.clone()),
                "adaptations": adaptations,
                "easy_read_questions": easy_read_used,
                "cue_cards_used": cards_used.into_iter().collect::<Vec<_>>(),
                "understanding_checks": checks,
                "reassessed_questions": reassessed,
                "areas": areas,
                "strengths": strengths,
                "needs": needs,
                "measures": measures,
                "flags": cs.flags.iter().map(|f| json!({"id": f.id, "message": f.message})).collect::<Vec<_>>(),
                "changes": changes,
            })
        })
        .collect();

    let priority_levels: Vec<Value> = priority_scale
        .as_ref()
        .and_then(|s| t.scales.iter().find(|x| &x.id == s))
        .map(|s| s.levels.iter().map(|l| level_json(t, &s.id, &l.id)).collect())
        .unwrap_or_default();

    json!({
        "case": {
            "number": info.case_number,
            "court": info.court,
            "children": info.children.iter().map(|c| json!({
                "initials": c.initials,
                "date_of_birth": c.date_of_birth,
                "date_of_birth_long": long_date(&c.date_of_birth),
                "age": age_text(&c.date_of_birth, &date),
                "gender": c.gender,
            })).collect::<Vec<_>>(),
            "carers": info.carers.iter().map(|c| json!({"id": c.id, "name": c.name, "relationship": c.relationship})).collect::<Vec<_>>(),
            "assessor": {
                "name": info.assessor.name,
                "role": info.assessor.role,
                "qualifications": info.assessor.qualifications,
                "registration": info.assessor.registration,
            },
            "instructions": info.instructions.as_ref().map(|i| json!({
                "instructed_by": i.instructed_by,
                "date": i.date,
                "date_long": i.date.as_deref().map(long_date),
                "questions": i.questions,
            })),
        },
        "report": {
            "status": if final_ { "Final" } else { "Draft" },
            "final": final_,
            "date": date,
            "date_long": long_date(&date),
        },
        "template": {"id": t.id, "version": t.version, "title": t.title, "description": t.description, "sources": t.sources},
        "sessions": sessions,
        "documents": documents,
        "people": people,
        "carers": carers,
        "evidence": evidence,
        "corrected_evidence": corrected,
        "narrative": {
            "summary": state.narrative.get("summary").map(|n| n.text.clone()),
            "conclusions": state.narrative.get("conclusions").map(|n| n.text.clone()),
            "recommendations": state.narrative.get("recommendations").map(|n| n.text.clone()),
        },
        "amendments": state.reopenings.iter().map(|r| json!({"date": r.date, "date_long": long_date(&r.date), "reason": r.reason})).collect::<Vec<_>>(),
        "sign_off": state.sign_offs.last().map(|s| json!({"name": s.name, "registration": s.registration, "date": s.date, "date_long": long_date(&s.date)})),
        "priority_levels": priority_levels,
    })
}
