/* The edition's search engine, run as Material's search worker.
 *
 * Material's own worker builds a lunr index in the browser on every page load:
 * on the edition's 7,900 passages that took 6-8 s before the first result and
 * 1-1.6 s per multi-word query (benchmarks/bench_search.py).  This worker
 * speaks the same messages (templates/theme/main.html points Material's
 * search at it), so Material's search box, result list and keyboard handling
 * stay as they are:
 *
 *   in   {type: 0, data: {config, docs, options}}  build the index   -> {type: 1}
 *   in   {type: 2, data: "query"}                  search            -> {type: 3, data: {items, suggest}}
 *
 * docs (search/search_index.json, written by edition/site_assets.py): one
 * entry per page, [url, title, entries, text?]; an entry is [anchor, text] for a
 * passage ("p14", "n3": its title is its number, "¶ 14") or
 * [anchor, text, title, boost] (person entries, sections of hand-written
 * pages).  Texts are plain text, HTML-escaped.
 *
 * Query: all words must occur (the last one may be the start of a word, as you
 * type); "words in quotes" must stand side by side; -word excludes;
 * in:getty keeps one text (several in: are "or").  Words are matched without
 * case and accents.  Scores: tf-idf per word, words in a title count five
 * times, person entries carry a boost so a name finds the entry first.
 * Results: at most LIMIT entries, grouped by page (Material shows the page,
 * then the best passage, then "n more on this page"), each text cut to a
 * snippet around the first hit with the words marked.
 *
 * From disk, the iframe-worker shim runs this file in an iframe instead of a
 * Web Worker; it only uses postMessage and addEventListener("message").
 */
(function () {
  "use strict";
  var LIMIT = 400, SNIPPET_BEFORE = 90, SNIPPET_AFTER = 260, TITLE_WEIGHT = 5;
  var WORD = /[\p{L}\p{N}]+/gu;
  var STOP = new Set(("a an and are as at be but by for from had has have he her his if in into is it its " +
    "not of on or she so that the their them then there these they this to was were which who with").split(" "));

  var docs = [];              // {location, page, title, text, boost, slug}
  var body = new Map();       // term -> doc numbers, one per occurrence, ascending
  var heads = new Map();      // term -> doc numbers (titles)
  var terms = [];             // every term, sorted (prefix search)
  var suggestWanted = false;

  function fold(word) {
    word = word.toLowerCase();
    return /[^\x00-\x7f]/.test(word) ? word.normalize("NFD").replace(/[\u0300-\u036f]/g, "") : word;
  }

  function unescape(text) {
    return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
  }

  function add(map, text, number) {
    var match;
    WORD.lastIndex = 0;
    while ((match = WORD.exec(text)) !== null) {
      var term = fold(match[0]);
      var list = map.get(term);
      if (list === undefined) map.set(term, list = []);
      list.push(number);
    }
  }

  function label(anchor) {
    return /^p\d/.test(anchor) ? "\u00b6 " + anchor.slice(1) : "\u00b6 " + anchor;
  }

  function build(data) {
    (data.docs || []).forEach(function (page) {
      var url = page[0], slug = /^texts\/([^/]+)\//.exec(url);
      var parent = docs.length;
      docs.push({location: url, page: parent, title: page[1], text: page[3] || "", boost: 1,
                 slug: slug && slug[1]});
      add(heads, unescape(page[1]), parent);
      if (page[3]) add(body, unescape(page[3]), parent);
      page[2].forEach(function (entry) {
        var number = docs.length;
        var title = entry.length > 2 ? entry[2] : label(entry[0]);
        docs.push({location: url + "#" + entry[0], page: parent, title: title, text: entry[1],
                   boost: entry[3] || 1, slug: slug && slug[1], passage: entry.length === 2});
        add(body, unescape(entry[1]), number);
        if (entry.length > 2) add(heads, unescape(title), number);
      });
    });
    terms = Array.from(new Set(Array.from(body.keys()).concat(Array.from(heads.keys())))).sort();
    suggestWanted = Boolean(data.options && data.options.suggest);
  }

  /* "a b" "c d" -e in:getty f -> {words: [...], phrases: ["c d", ...], texts: ["getty"], excluded: ["e"]} */
  function parse(query) {
    var texts = [], phrases = [], words = [], excluded = [];
    query = query.replace(/(^|\s)in:([\w-]+)/gi, function (_, space, slug) {
      texts.push(slug.toLowerCase());
      return space;
    });
    var open = (query.match(/"/g) || []).length % 2 === 1;   // a phrase still being typed
    var rest = query.replace(/"([^"]*)"?/g, function (_, phrase) {
      var inner = (phrase.match(WORD) || []).map(fold);
      if (inner.length > 1) phrases.push(inner.join(" "));
      inner.forEach(function (term) { words.push({term: term, prefix: false}); });
      return " ";
    });
    var tokens = rest.split(/\s+/).filter(Boolean);
    var typing = !/[\s"]$/.test(query);
    tokens.forEach(function (token, i) {
      var negative = token.charAt(0) === "-";
      (token.match(WORD) || []).map(fold).forEach(function (term, j, all) {
        if (negative) { excluded.push(term); return; }
        var last = typing && !open && i === tokens.length - 1 && j === all.length - 1;
        words.push({term: term, prefix: last});
      });
    });
    if (open && words.length) words[words.length - 1].prefix = true;
    var content = words.filter(function (w) { return !STOP.has(w.term) || w.prefix; });
    return {words: content.length ? content : words, phrases: phrases, texts: texts, excluded: excluded};
  }

  /* Terms a word stands for: itself, or (while typing) every term it begins. */
  function expand(word) {
    if (!word.prefix) return body.has(word.term) || heads.has(word.term) ? [word.term] : [];
    var low = 0, high = terms.length;
    while (low < high) {
      var mid = (low + high) >> 1;
      if (terms[mid] < word.term) low = mid + 1; else high = mid;
    }
    var found = [];
    for (var i = low; i < terms.length && terms[i].lastIndexOf(word.term, 0) === 0; i++) found.push(terms[i]);
    return found;
  }

  function distinct(list) {
    var n = 0, last = -1;
    for (var i = 0; i < list.length; i++) if (list[i] !== last) { n++; last = list[i]; }
    return n;
  }

  function score(list, weight, scores, seen, bit) {
    if (!list) return;
    var idf = Math.log(1 + docs.length / distinct(list)) * weight;
    for (var i = 0; i < list.length;) {
      var doc = list[i], tf = 0;
      while (i < list.length && list[i] === doc) { tf++; i++; }
      scores[doc] += idf * (1 + Math.log(tf));
      seen[doc] |= bit;
    }
  }

  function normalise(text) {
    return " " + (unescape(text).match(WORD) || []).map(fold).join(" ") + " ";
  }

  function search(query) {
    var want = parse(query);
    if (!want.words.length) return {items: []};
    var scores = new Float64Array(docs.length), seen = new Uint32Array(docs.length);
    var all = 0, best = {};
    want.words.slice(0, 31).forEach(function (word, j) {
      var bit = 1 << j;
      all |= bit;
      expand(word).forEach(function (term) {
        score(body.get(term), 1, scores, seen, bit);
        score(heads.get(term), TITLE_WEIGHT, scores, seen, bit);
        var df = (body.get(term) || []).length;
        if (word.prefix && (!best.term || df > best.df)) best = {term: term, df: df};
      });
    });
    var banned = new Set();
    want.excluded.forEach(function (term) {
      (body.get(term) || []).concat(heads.get(term) || []).forEach(function (doc) { banned.add(doc); });
    });
    var phrases = want.phrases.map(function (p) { return " " + p + " "; });
    var hits = [];
    for (var doc = 0; doc < docs.length; doc++) {
      if (seen[doc] !== all || banned.has(doc)) continue;
      var d = docs[doc];
      if (want.texts.length && want.texts.indexOf(d.slug) < 0) continue;
      if (phrases.length) {
        var words = normalise(d.title + " " + d.text);
        if (!phrases.every(function (p) { return words.indexOf(p) >= 0; })) continue;
      }
      hits.push(doc);
    }
    hits.sort(function (a, b) { return scores[b] * docs[b].boost - scores[a] * docs[a].boost; });
    var marker = highlighter(want.words, want.phrases);
    var groups = new Map();
    hits.slice(0, LIMIT).forEach(function (doc) {
      var d = docs[doc], group = groups.get(d.page);
      if (!group) groups.set(d.page, group = []);
      if (doc !== d.page) group.push(result(d, scores[doc] * d.boost, marker, want));
    });
    var items = [];
    groups.forEach(function (group, page) {
      var p = docs[page];
      var own = seen[page] === all ? scores[page] : 0;
      group.push(own && p.text ? result(p, own, marker, want)
                               : {location: p.location, title: marker(p.title), text: "", score: own,
                                  terms: termsOf(want.words)});
      items.push(group);
    });
    var answer = {items: items};
    if (suggestWanted) answer.suggest = best.term ? [best.term] : [];
    return answer;
  }

  function termsOf(words) {
    var out = {};
    words.forEach(function (w) { out[w.term] = true; });
    return out;
  }

  /* Marks the phrases as wholes, and the words that are not part of a phrase. */
  function highlighter(words, phrases) {
    var quote = function (term) { return term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); };
    var inPhrase = new Set();
    var parts = phrases.map(function (phrase) {
      phrase.split(" ").forEach(function (w) { inPhrase.add(w); });
      return phrase.split(" ").map(quote).join("[^\\p{L}\\p{N}<]+");
    });
    words.forEach(function (w) {
      if (!inPhrase.has(w.term)) parts.push(quote(w.term) + (w.prefix ? "[\\p{L}\\p{N}]*" : ""));
    });
    var pattern = new RegExp("(^|[^\\p{L}\\p{N}&])(" + parts.join("|") + ")(?![\\p{L}\\p{N}])", "giu");
    return function (text) {
      return text.replace(pattern, function (_, before, word) { return before + "<mark>" + word + "</mark>"; });
    };
  }

  /* Where the snippet starts: the first phrase if any, else the first word found. */
  function snippet(text, words, phrases) {
    if (text.length <= SNIPPET_BEFORE + SNIPPET_AFTER) return text;
    var lower = text.toLowerCase(), at = -1;
    phrases.forEach(function (phrase) {
      var found = new RegExp(phrase.split(" ").map(function (w) {
        return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      }).join("[^\\p{L}\\p{N}]+"), "u").exec(lower);
      if (found && (at < 0 || found.index < at)) at = found.index;
    });
    if (at < 0) words.forEach(function (w) {
      var i = lower.indexOf(w.term);
      if (i >= 0 && (at < 0 || i < at)) at = i;
    });
    if (at < 0) at = 0;
    var start = Math.max(0, at - SNIPPET_BEFORE), end = Math.min(text.length, at + SNIPPET_AFTER);
    if (start > 0) start = text.indexOf(" ", start) + 1 || start;
    if (end < text.length) end = text.lastIndexOf(" ", end) > start ? text.lastIndexOf(" ", end) : end;
    var cut = text.slice(start, end).replace(/&[a-z]*$/, "");
    return (start > 0 ? "\u2026 " : "") + cut + (end < text.length ? " \u2026" : "");
  }

  function result(d, value, marker, want) {
    return {location: d.location,
            title: d.passage ? '<span class="search-passage-number">' + d.title + "</span>" : marker(d.title),
            text: "<p>" + marker(snippet(d.text, want.words, want.phrases)) + "</p>",
            score: value, terms: termsOf(want.words)};
  }

  addEventListener("message", function (event) {
    var message = event.data || {};
    if (message.type === 0) {
      build(message.data || {});
      postMessage({type: 1});
    } else if (message.type === 2) {
      var answer;
      try {
        answer = search(String(message.data || ""));
      } catch (error) {
        console.warn("search failed:", error);
        answer = {items: []};
      }
      postMessage({type: 3, data: answer});
    }
  });
})();
