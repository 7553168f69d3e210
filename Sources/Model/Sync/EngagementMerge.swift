public import Foundation

/// Who last set one field of an engagement on the server, and when: what a later edit is
/// compared with to tell a concurrent edit from one made on top of it.
public struct FieldStamp: Sendable, Hashable {
  /// Cursor of the change that set it.
  public var cursor: Int64
  public var deviceID: String
  public var user: String
  public var hlc: HLC

  public init(cursor: Int64, deviceID: String, user: String, hlc: HLC) {
    self.cursor = cursor
    self.deviceID = deviceID
    self.user = user
    self.hlc = hlc
  }
}

/// The server's merge of one engagement edit, as a pure function: what is stored and how each
/// field was last set, and the edit, in; the engagement to store, the fields it takes, and the
/// conflict records, out. Reading and writing them is the caller's (`ServerRepository`).
///
/// An edit changes only the fields it lists (all of them for a whole engagement). Where a listed
/// field was set since the edit's base by another device, the two edits are concurrent: the
/// later clock reading wins, and the other value is kept as a conflict record. An edit of a
/// deleted engagement brings it back: an edit is never lost to a delete it did not see (that
/// delete is kept as a conflict record). A device's own earlier changes are always behind its
/// next one, never concurrent with it.
public enum EngagementMerge {
  /// One checked edit, with who made it and its clock reading as the server corrected it.
  public struct Edit: Sendable, Hashable {
    /// The engagement as the device sent it.
    public var incoming: Engagement
    /// The fields the edit changed; empty: every field.
    public var changedFields: [Engagement.Field]
    /// The cursor of the last change of this engagement the device had seen.
    public var baseCursor: Int64
    public var deviceID: String
    public var user: String
    public var hlc: HLC
    /// When the server merges it (conflict records' time).
    public var time: Date

    public init(
      incoming: Engagement, changedFields: [Engagement.Field], baseCursor: Int64, deviceID: String, user: String,
      hlc: HLC, time: Date
    ) {
      self.incoming = incoming
      self.changedFields = changedFields
      self.baseCursor = baseCursor
      self.deviceID = deviceID
      self.user = user
      self.hlc = hlc
      self.time = time
    }

    /// Whether a stored stamp is of a change this edit did not see: made after its base, by
    /// another device.
    public func isConcurrent(with stamp: FieldStamp?) -> Bool {
      EngagementMerge.isConcurrent(stamp, base: baseCursor, deviceID: deviceID)
    }

    /// This edit's side of a conflict.
    public func side(_ value: String) -> Conflict.Side {
      Conflict.Side(value: value, user: user, deviceID: deviceID, hlc: hlc)
    }

    /// The stamp this edit leaves on a field it sets, at `cursor`.
    public func stamp(at cursor: Int64) -> FieldStamp {
      FieldStamp(cursor: cursor, deviceID: deviceID, user: user, hlc: hlc)
    }
  }

  /// Whether `stamp` is of a change an edit by `deviceID` made on top of `base` did not see:
  /// made after the base, by another device.
  public static func isConcurrent(_ stamp: FieldStamp?, base: Int64, deviceID: String) -> Bool {
    guard let stamp else { return false }
    return stamp.cursor > base && stamp.deviceID != deviceID
  }

  /// What the merge decided.
  public struct Outcome: Sendable, Hashable {
    /// The engagement as it now stands (the stored one when nothing was taken).
    public var merged: Engagement
    /// The fields the edit set (each gets the edit's stamp).
    public var taken: [Engagement.Field]
    /// Values that lost, each kept with the one that won.
    public var conflicts: [Conflict]
    /// Whether the engagement is to be stored again: a field was taken, or a deleted one
    /// comes back.
    public var stores: Bool
    /// Nothing of another device's came in and nothing was lost: what is stored is exactly
    /// what the device sent.
    public var storedAsSent: Bool
  }

  /// Merges `edit` into the engagement as stored (`deletedAt` set for a tombstone), given how
  /// each field was last set (`stamps`, by field name; `deleted` for the delete).
  public static func merge(
    _ edit: Edit, into stored: Engagement, deletedAt: Date?, stamps: [String: FieldStamp]
  ) -> Outcome {
    let incoming = edit.incoming
    var merged = stored
    var taken: [Engagement.Field] = []
    var conflicts: [Conflict] = []
    for field in edit.changedFields.isEmpty ? Engagement.Field.allCases : edit.changedFields {
      let mine = incoming.value(of: field)
      let current = stored.value(of: field)
      let stamp = stamps[field.rawValue]
      guard mine != current else {
        // The same value, written concurrently and later: the field is this edit's now, so
        // that an edit between the two readings cannot beat it (it would beat the earlier
        // one, and the value both wrote would be lost in one delivery order and not another).
        if let stamp, edit.isConcurrent(with: stamp), edit.hlc > stamp.hlc {
          merged.take(field, from: incoming)
          taken.append(field)
        }
        continue
      }
      guard let stamp, edit.isConcurrent(with: stamp) else {
        merged.take(field, from: incoming)
        taken.append(field)
        continue
      }
      let other = Conflict.Side(value: current, user: stamp.user, deviceID: stamp.deviceID, hlc: stamp.hlc)
      if edit.hlc > stamp.hlc {
        merged.take(field, from: incoming)
        taken.append(field)
        conflicts.append(
          Conflict(
            engagementID: stored.id, subject: .field(field), kept: edit.side(mine), lost: other, detectedAt: edit.time))
      } else {
        conflicts.append(
          Conflict(
            engagementID: stored.id, subject: .field(field), kept: other, lost: edit.side(mine), detectedAt: edit.time))
      }
    }
    if deletedAt != nil, let deletion = stamps["deleted"], edit.isConcurrent(with: deletion) {
      conflicts.append(
        Conflict(
          engagementID: stored.id, subject: .deletion,
          kept: edit.side("restored by an edit made without seeing the delete"),
          lost: Conflict.Side(value: "deleted", user: deletion.user, deviceID: deletion.deviceID, hlc: deletion.hlc),
          detectedAt: edit.time))
    }
    let stores = !taken.isEmpty || deletedAt != nil
    if stores {
      merged.updatedBy = incoming.updatedBy
      merged.updatedAt = incoming.updatedAt
    }
    return Outcome(
      merged: merged, taken: taken, conflicts: conflicts, stores: stores,
      storedAsSent: stores && conflicts.isEmpty && merged == incoming)
  }
}
