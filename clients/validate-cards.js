#!/usr/bin/env node
// Parses Adaptive Cards with the npm `adaptivecards` renderer (the one Web Chat and Teams' web client
// build on) and reports every parse and validation event, as JSON on stdout.
//
// Input (stdin, or the file named as the only argument): a JSON array of {"name": ..., "card": {...}}.
// Output: one JSON array of {"name", "items", "actions", "events": [{"phase", "event", "message"}]},
// where items/actions count what the renderer understood of the body and the actions.
// Parse and validate need no DOM, so this runs in plain Node; one process handles every card.
"use strict";

const fs = require("fs");
const AC = require("adaptivecards/dist/adaptivecards.js"); // lib/ is ESM without file extensions: Node cannot load it

function check(entry) {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(entry.card, context);
  const events = [];
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    events.push({ phase: AC.ValidationPhase[e.phase], event: AC.ValidationEvent[e.event], message: e.message });
  }
  for (const e of card.validateProperties().validationEvents) {
    events.push({ phase: AC.ValidationPhase[e.phase], event: AC.ValidationEvent[e.event], message: e.message });
  }
  return { name: entry.name, items: card.getItemCount(), actions: card.getActionCount(), events };
}

const input = fs.readFileSync(process.argv[2] || 0, "utf8");
process.stdout.write(JSON.stringify(JSON.parse(input).map(check)) + "\n");
