#include "web/template.hpp"

#include <fmt/format.h>

#include "core/text.hpp"

namespace incasso::web {

Value& Value::operator[](std::string_view key) {
  if (kind_ == Kind::kNull) kind_ = Kind::kObject;
  auto it = obj_.find(key);
  if (it == obj_.end()) it = obj_.emplace(std::string(key), Value()).first;
  return it->second;
}

void Value::push_back(Value v) {
  if (kind_ == Kind::kNull) kind_ = Kind::kList;
  list_.push_back(std::move(v));
}

bool Value::Truthy() const {
  switch (kind_) {
    case Kind::kNull:
      return false;
    case Kind::kString:
      return !str_.empty();
    case Kind::kBool:
      return bool_;
    case Kind::kList:
      return !list_.empty();
    case Kind::kObject:
      return true;
  }
  return false;
}

const Value* Value::Find(std::string_view key) const {
  if (kind_ != Kind::kObject) return nullptr;
  auto it = obj_.find(key);
  return it == obj_.end() ? nullptr : &it->second;
}

namespace {

enum class NodeType { kText, kVar, kRawVar, kSection, kInverted, kPartial };

struct Node {
  NodeType type = NodeType::kText;
  std::string text;  // literal text, or the tag's name
  std::vector<Node> children;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int LineOf(std::string_view source, std::size_t pos) {
  int line = 1;
  for (std::size_t i = 0; i < pos && i < source.size(); ++i) line += source[i] == '\n';
  return line;
}

// True when the tag at [tag_begin, tag_end) stands alone on its line (only blanks around it):
// mustache then drops the whole line, so section tags leave no blank lines behind.
bool Standalone(std::string_view s, std::size_t tag_begin, std::size_t tag_end,
                std::size_t* line_begin, std::size_t* line_end) {
  std::size_t b = tag_begin;
  while (b > 0 && (s[b - 1] == ' ' || s[b - 1] == '\t')) --b;
  if (b > 0 && s[b - 1] != '\n') return false;
  std::size_t e = tag_end;
  while (e < s.size() && (s[e] == ' ' || s[e] == '\t' || s[e] == '\r')) ++e;
  if (e < s.size() && s[e] != '\n') return false;
  *line_begin = b;
  *line_end = e < s.size() ? e + 1 : e;
  return true;
}

Result<std::vector<Node>> Parse(const std::string& name, std::string_view s) {
  struct Open {
    Node node;
    std::size_t pos;
  };
  std::vector<Open> stack;
  std::vector<Node> root;
  auto current = [&]() -> std::vector<Node>& {
    return stack.empty() ? root : stack.back().node.children;
  };
  std::size_t pos = 0;
  auto error = [&](std::size_t at, const std::string& why) {
    return InvalidArgument("template",
                           fmt::format("template {} line {}: {}", name, LineOf(s, at), why));
  };
  while (pos < s.size()) {
    std::size_t open = s.find("{{", pos);
    if (open == std::string_view::npos) {
      current().push_back({NodeType::kText, std::string(s.substr(pos)), {}});
      break;
    }
    bool triple = s.compare(open, 3, "{{{") == 0;
    std::size_t close = s.find(triple ? "}}}" : "}}", open + (triple ? 3 : 2));
    if (close == std::string_view::npos) return error(open, "unterminated tag");
    std::size_t tag_end = close + (triple ? 3 : 2);
    std::string_view inner = s.substr(open + (triple ? 3 : 2), close - open - (triple ? 3 : 2));
    char sigil = triple ? '{' : (inner.empty() ? '\0' : inner.front());
    bool structural = sigil == '#' || sigil == '^' || sigil == '/' || sigil == '!' || sigil == '>';
    std::size_t text_end = open;
    std::size_t next = tag_end;
    std::size_t lb = 0, le = 0;
    if (structural && Standalone(s, open, tag_end, &lb, &le)) {
      text_end = lb;
      next = le;
    }
    if (text_end > pos)
      current().push_back({NodeType::kText, std::string(s.substr(pos, text_end - pos)), {}});
    pos = next;
    std::string_view tag =
        triple ? Trim(inner) : Trim(structural || sigil == '&' ? inner.substr(1) : inner);
    if (sigil == '!') continue;
    if (tag.empty()) return error(open, "empty tag");
    switch (sigil) {
      case '#':
      case '^':
        stack.push_back(
            {{sigil == '#' ? NodeType::kSection : NodeType::kInverted, std::string(tag), {}},
             open});
        break;
      case '/': {
        if (stack.empty() || stack.back().node.text != tag) {
          return error(open, fmt::format("{{{{/{}}}}} closes no open section", tag));
        }
        Node done = std::move(stack.back().node);
        stack.pop_back();
        current().push_back(std::move(done));
        break;
      }
      case '>':
        current().push_back({NodeType::kPartial, std::string(tag), {}});
        break;
      case '{':
      case '&':
        current().push_back({NodeType::kRawVar, std::string(tag), {}});
        break;
      default:
        current().push_back({NodeType::kVar, std::string(tag), {}});
    }
  }
  if (!stack.empty()) {
    return error(stack.back().pos, fmt::format("section {} is not closed", stack.back().node.text));
  }
  return root;
}

using Contexts = std::vector<const Value*>;

const Value* Lookup(const Contexts& ctx, std::string_view name) {
  if (name == ".") return ctx.empty() ? nullptr : ctx.back();
  std::string_view first = name.substr(0, name.find('.'));
  const Value* found = nullptr;
  for (auto it = ctx.rbegin(); it != ctx.rend() && found == nullptr; ++it) {
    found = (*it)->Find(first);
  }
  std::size_t dot = name.find('.');
  while (found != nullptr && dot != std::string_view::npos) {
    std::size_t next = name.find('.', dot + 1);
    found =
        found->Find(name.substr(dot + 1, next == std::string_view::npos ? next : next - dot - 1));
    dot = next;
  }
  return found;
}

void AppendText(const Value* v, bool escape, std::string& out) {
  if (v == nullptr) return;
  switch (v->kind()) {
    case Value::Kind::kString:
      out += escape ? EscapeMarkup(v->str()) : v->str();
      break;
    case Value::Kind::kBool:
      out += v->boolean() ? "true" : "false";
      break;
    default:
      break;  // lists and objects have no text
  }
}

}  // namespace

struct TemplateSet::Impl {
  std::map<std::string, std::vector<Node>, std::less<>> templates;

  void Render(const std::vector<Node>& nodes, Contexts& ctx, int depth, std::string& out) const {
    for (const Node& n : nodes) {
      switch (n.type) {
        case NodeType::kText:
          out += n.text;
          break;
        case NodeType::kVar:
        case NodeType::kRawVar:
          AppendText(Lookup(ctx, n.text), n.type == NodeType::kVar, out);
          break;
        case NodeType::kSection: {
          const Value* v = Lookup(ctx, n.text);
          if (v == nullptr || !v->Truthy()) break;
          if (v->kind() == Value::Kind::kList) {
            for (const Value& item : v->list()) {
              ctx.push_back(&item);
              Render(n.children, ctx, depth, out);
              ctx.pop_back();
            }
          } else {
            ctx.push_back(v);
            Render(n.children, ctx, depth, out);
            ctx.pop_back();
          }
          break;
        }
        case NodeType::kInverted: {
          const Value* v = Lookup(ctx, n.text);
          if (v == nullptr || !v->Truthy()) Render(n.children, ctx, depth, out);
          break;
        }
        case NodeType::kPartial: {
          if (depth >= 32) break;
          auto it = templates.find(n.text);
          if (it != templates.end()) Render(it->second, ctx, depth + 1, out);
          break;
        }
      }
    }
  }
};

TemplateSet::TemplateSet() : impl_(std::make_unique<Impl>()) {}
TemplateSet::~TemplateSet() = default;
TemplateSet::TemplateSet(TemplateSet&&) noexcept = default;
TemplateSet& TemplateSet::operator=(TemplateSet&&) noexcept = default;

Status TemplateSet::Add(std::string name, std::string_view source) {
  auto parsed = Parse(name, source);
  if (!parsed.ok()) return parsed.error();
  impl_->templates[std::move(name)] = std::move(*parsed);
  return Ok();
}

Result<std::string> TemplateSet::Render(std::string_view name, const Value& data) const {
  auto it = impl_->templates.find(name);
  if (it == impl_->templates.end()) return NotFound(fmt::format("no template {}", name));
  std::string out;
  Contexts ctx{&data};
  impl_->Render(it->second, ctx, 0, out);
  return out;
}

}  // namespace incasso::web
