import Foundation
public import Model
import Stores
import Sync

/// The force's local policing areas: data kept in the server's database, changed only by an
/// explicit command, never by a restart.
///
/// Every change is one transaction with its change-log row (so devices receive it at their
/// next sync) and an audit entry. An area is never deleted: one the force stops using is
/// retired, refused for new engagements and kept for the ones already recorded in it.
extension ServerRepository {
  // MARK: - Reads

  /// Every stored area in display order, retired ones included.
  public func areas() async throws -> [Area] {
    try await database.read { try $0.areas() }
  }

  // MARK: - Writes

  /// Stores `areas` when the database holds none (its first start) and returns whether it
  /// did; a database that holds areas is left exactly as it is.
  @discardableResult
  public func seedAreas(_ areas: [Area], by caller: Caller) async throws -> Bool {
    for area in areas { try area.validate() }
    guard Set(areas.map(\.code)).count == areas.count else {
      throw ValidationError(field: "area", rule: "each code may be given once")
    }
    let time = now().truncatedToMilliseconds
    return try await database.write { db in
      guard try db.areas().isEmpty, !areas.isEmpty else { return false }
      for (position, area) in areas.enumerated() {
        try saveArea(area, before: nil, position: position, caller: caller, at: time, in: db)
      }
      return true
    }
  }

  /// Adds an area at the end of the list. Adding the code of a retired area brings it back
  /// into use (with the name given); the code of an active area is refused.
  @discardableResult
  public func addArea(_ given: Area, by caller: Caller) async throws -> Area {
    var active = given
    active.retired = false
    try active.validate()
    let area = active
    let time = now().truncatedToMilliseconds
    return try await database.write { db in
      let stored = try db.area(code: area.code)
      if let stored, !stored.retired {
        throw StorageError(
          .alreadyExists, "area \(area.code) already exists (\(stored.name)); rename it with assure-server area rename")
      }
      let position = try db.areaPosition(code: area.code) ?? db.nextAreaPosition()
      try saveArea(area, before: stored, position: position, caller: caller, at: time, in: db)
      return area
    }
  }

  /// Changes an area's display name; its code, and so every record in it, stays.
  @discardableResult
  public func renameArea(code: String, to name: String, by caller: Caller) async throws -> Area {
    try Area.validate(code: code)
    let time = now().truncatedToMilliseconds
    return try await database.write { db in
      guard let stored = try db.area(code: code) else { throw Self.unknownArea(code, in: db) }
      var renamed = stored
      renamed.name = name
      try renamed.validate()
      guard renamed != stored else { return stored }
      try saveArea(renamed, before: stored, position: nil, caller: caller, at: time, in: db)
      return renamed
    }
  }

  /// Retires an area: no new engagement may be recorded in it; the engagements already in it
  /// stay valid and are still counted and named in reports. Returns the area and how many
  /// engagements are recorded in it.
  public func retireArea(code: String, by caller: Caller) async throws -> (area: Area, engagements: Int) {
    try Area.validate(code: code)
    let time = now().truncatedToMilliseconds
    return try await database.write { db in
      guard let stored = try db.area(code: code) else { throw Self.unknownArea(code, in: db) }
      let count = try db.engagementCount(area: code)
      guard !stored.retired else { return (stored, count) }
      var retired = stored
      retired.retired = true
      try saveArea(retired, before: stored, position: nil, caller: caller, at: time, in: db)
      return (retired, count)
    }
  }

  /// Makes the active areas exactly `areas`, in that order: adds the new ones, renames and
  /// brings back the stored ones, and retires (never deletes) the ones not given. For tests
  /// and tools that describe a force's whole list at once; the server never calls it on start.
  public func configureAreas(_ areas: [Area], by caller: Caller = .server("assure-server", rpc: "configure areas"))
    async throws
  {
    for area in areas { try area.validate() }
    let time = now().truncatedToMilliseconds
    try await database.write { db in
      let stored = try db.areas()
      for (position, area) in areas.enumerated() {
        var active = area
        active.retired = false
        let before = stored.first { $0.code == area.code }
        if before != active {
          try saveArea(active, before: before, position: position, caller: caller, at: time, in: db)
        }
      }
      for old in stored where !old.retired && !areas.contains(where: { $0.code == old.code }) {
        var retired = old
        retired.retired = true
        try saveArea(retired, before: old, position: nil, caller: caller, at: time, in: db)
      }
    }
  }

  /// Stores an area (at `position`, or where it is), logs it for devices and audits it.
  private func saveArea(
    _ area: Area, before: Area?, position: Int?, caller: Caller, at time: Date, in db: any ServerTransaction
  )
    throws
  {
    if let position {
      try db.saveArea(area, position: position)
    } else {
      try db.saveArea(area)
    }
    try db.appendAudit(
      AuditEntry(
        at: time, actor: caller.user, deviceID: caller.deviceID, rpc: caller.rpc, entityType: "area",
        entityID: area.code, beforeDigest: try AuditEntry.digest(of: before),
        afterDigest: try AuditEntry.digest(of: area)))
    _ = try db.appendChange(.area, id: area.code, operation: .upsert, payload: .area(area), at: time)
  }

  private static func unknownArea(_ code: String, in db: any ServerTransaction) -> StorageError {
    let known = (try? db.areas().map(\.code).joined(separator: ", ")) ?? ""
    return StorageError(
      .notFound, "no area \(code)\(known.isEmpty ? " (no areas are stored yet)" : "; the areas are \(known)")")
  }
}
