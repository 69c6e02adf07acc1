//! `assess run`: one question at a time, in the wording the parent needs.
//!
//! Reads the assessor's replies line by line from standard input, so it works at a terminal
//! and from a script (`assess run < replies.txt`). Each answer is saved before the next
//! question is shown. Replies:
//!
//! - a value: the answer (then a second line: a note, or an empty line for none);
//! - `skip REASON`: leave the question out, with the reason;
//! - `end`: end the session (with pacing, the assessor is asked when it is time);
//! - `quit` (or end of input): stop; everything answered so far is saved.

use super::case_cmd::{Workspace, format_offer, now, open, saved};
use super::{Failure, Outcome};
use crate::case::event::EventBody;
use crate::case::store::Stamp;
use crate::engine::{self, Command as EngineCommand, Next, response::Given};
use std::io::{BufRead, Write};
use std::process::ExitCode;

/// Runs the interactive loop on standard input and output.
pub fn run(ws: &Workspace, carer: Option<String>) -> Outcome {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    run_with(ws, carer, &mut input, &mut out)
}

fn read_line(input: &mut dyn BufRead) -> Option<String> {
    let mut line = String::new();
    match input.read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(line.trim_end_matches(['\n', '\r']).to_string()),
    }
}

/// The loop, on any input and output (tests drive it with text).
pub fn run_with(ws: &Workspace, carer: Option<String>, input: &mut dyn BufRead, out: &mut dyn Write) -> Outcome {
    let dir = ws.case()?;
    let lock = dir.lock()?;
    let mut o = open(dir)?;
    let author = ws.author.clone().unwrap_or_else(|| o.state.info.assessor.name.clone());
    let Some(session) = o.state.open_session().cloned() else {
        writeln!(
            out,
            "No session is open. Start one with `assess session start --place \"…\" --present \"…\"` first."
        )?;
        return Ok(ExitCode::from(1));
    };
    if let Some(c) = &carer
        && !session.start.carers.contains(c)
    {
        return Err(Failure(format!("`{c}` is not taking part in session {}", session.start.session)));
    }
    writeln!(
        out,
        "Session {} on {} at {}. Type the answer, `skip REASON`, `end` to end the session, or `quit`.",
        session.start.session, session.start.date, session.start.place
    )?;
    let mut pacing_asked = false;
    loop {
        let t = &o.template.template;
        // The carer to ask: the one chosen, else whoever in the session has done least.
        let carers = match &carer {
            Some(c) => vec![c.clone()],
            None => session.start.carers.clone(),
        };
        let mut offers: Vec<(String, Next)> =
            carers.iter().map(|c| (c.clone(), engine::next(t, &o.state, c))).collect();
        offers.sort_by_key(|(_, n)| match n {
            Next::Ask(offer) => (0, offer.progress.0),
            _ => (1, 0),
        });
        let Some((who, Next::Ask(offer))) = offers.into_iter().next() else {
            writeln!(out, "Every question for this session's carers is done. End the session with `end`, or `quit`.")?;
            match read_line(input).as_deref().map(str::trim) {
                Some("end") => {
                    let events = engine::apply(t, &o.state, &EngineCommand::EndSession { note: None })?;
                    append(&mut o, &lock, &events, &author)?;
                    writeln!(out, "Session {} ended and saved.", session.start.session)?;
                }
                _ => writeln!(out, "Stopped. Everything answered is saved.")?,
            }
            return Ok(ExitCode::SUCCESS);
        };
        if let Some(p) = &offer.pacing
            && !pacing_asked
        {
            pacing_asked = true;
            writeln!(out, "Pacing: {p}\nEnd the session now? (yes/no)")?;
            if read_line(input).is_some_and(|l| matches!(l.trim().to_lowercase().as_str(), "y" | "yes")) {
                let events = engine::apply(
                    t,
                    &o.state,
                    &EngineCommand::EndSession { note: Some("ended early to keep the session short (pacing)".into()) },
                )?;
                append(&mut o, &lock, &events, &author)?;
                writeln!(out, "Session {} ended and saved.", session.start.session)?;
                return Ok(ExitCode::SUCCESS);
            }
        }
        writeln!(out)?;
        write!(out, "{}", format_offer(&o.state, &offer))?;
        write!(out, "> ")?;
        out.flush()?;
        let Some(reply) = read_line(input) else {
            writeln!(out, "\nStopped. Everything answered is saved.")?;
            return Ok(ExitCode::SUCCESS);
        };
        let reply = reply.trim().to_string();
        let cmd = match reply.as_str() {
            "" => {
                writeln!(out, "Nothing typed: type the answer, `skip REASON`, `end` or `quit`.")?;
                continue;
            }
            "quit" | "q" => {
                writeln!(out, "Stopped. Everything answered is saved.")?;
                return Ok(ExitCode::SUCCESS);
            }
            "end" => EngineCommand::EndSession { note: None },
            r if r.starts_with("skip") => EngineCommand::Skip {
                carer: Some(who.clone()),
                question: offer.answer_as.clone(),
                reason: r.trim_start_matches("skip").trim().to_string(),
            },
            r => {
                write!(out, "Note (the parent's words or what you saw; Enter for none): ")?;
                out.flush()?;
                let note = read_line(input).filter(|n| !n.trim().is_empty());
                EngineCommand::Answer {
                    carer: Some(who.clone()),
                    question: offer.answer_as.clone(),
                    value: Given::Text(r.to_string()),
                    note,
                }
            }
        };
        match engine::apply(t, &o.state, &cmd) {
            Ok(events) => {
                append(&mut o, &lock, &events, &author)?;
                write!(out, "{}", saved(&events, &o.state))?;
                if matches!(cmd, EngineCommand::EndSession { .. }) {
                    writeln!(out, "Session {} ended and saved.", session.start.session)?;
                    return Ok(ExitCode::SUCCESS);
                }
            }
            Err(refusal) => writeln!(out, "Not saved: {refusal}. Try again.")?,
        }
    }
}

fn append(
    o: &mut super::case_cmd::Opened,
    lock: &crate::case::store::CaseLock,
    events: &[EventBody],
    author: &str,
) -> Result<(), Failure> {
    let records = o.dir.append(lock, events, &Stamp { time: now(), author: author.to_string() })?;
    for r in &records {
        if let Ok(b) = r.body() {
            let _ = o.state.apply(&b, r.seq);
        }
    }
    o.records.extend(records);
    Ok(())
}
