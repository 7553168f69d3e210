/// Builds a document's nested sections from headings given in reading order, for a layout that
/// writes "a heading, then what is under it" rather than sections.
///
/// A heading closes every open section at its own level or deeper and opens a new one inside
/// the nearest shallower one; each block goes into the section opened last. A writer takes a
/// heading's level from its depth, so a level-3 heading belongs after a level-2 one.
struct Outline: Sendable {
  /// A section whose heading has been given and whose end has not.
  private struct OpenSection: Sendable {
    var title: [Inline]
    var level: Int
    var blocks: [Block] = []
  }

  /// The blocks before the first heading, and each closed top-level section.
  private var top: [Block] = []
  /// The sections still open, outermost first.
  private var open: [OpenSection] = []

  /// Starts a section: level 2 for a document's parts, 3 for the topics within a part.
  mutating func heading(_ title: [Inline], level: Int) {
    close(deeperThan: level - 1)
    open.append(OpenSection(title: title, level: level))
  }

  /// Adds a block to the section opened last.
  mutating func append(_ block: Block) {
    if open.isEmpty {
      top.append(block)
    } else {
      open[open.count - 1].blocks.append(block)
    }
  }

  /// Every block, with every section closed.
  var blocks: [Block] {
    var outline = self
    outline.close(deeperThan: Int.min)
    return outline.top
  }

  private mutating func close(deeperThan level: Int) {
    while let last = open.last, last.level > level {
      open.removeLast()
      append(.section(title: last.title, blocks: last.blocks))
    }
  }
}
