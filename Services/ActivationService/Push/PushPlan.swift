import Foundation
import SharedModels

/// What a push does with one topic, decided before anything is sent.
enum PushAction: String, Sendable, Codable, CaseIterable {
    case create, update, deactivate, skip
}

/// Why one item of a push failed: a stable code and the platform's (or our) words.
struct ItemFailure: Sendable, Equatable, Codable {
    var code: String
    var message: String
}

/// One topic of a push as planned: what to send, and what is already known to be wrong with it.
struct PlannedItem: Sendable, Equatable {
    var topicID: String
    var action: PushAction
    var name: String
    var description: String
    var engineVersion: String
    var platformSegmentID: String?
    /// Set when the item cannot be pushed at all (the topic is not in the library, its name breaks the platform's rules).
    var failure: ItemFailure?
}

/// What was last pushed of one topic to one connection.
struct Activation: Sendable, Equatable {
    var id: String
    var topicID: String
    var platformSegmentID: String?
    var status: String
    var name: String
    var description: String
    var cpmCents: Int
    var currency: String
    var templateKey: String
    var engineVersion: String

    var isLive: Bool { self.status != "inactive" }
}

/// Plans each requested topic as create, update, deactivate or skip by comparing what would be sent with what was
/// last pushed: an unchanged segment is skipped, a changed one updated in place, one whose topic has left the
/// library deactivated.
struct PushPlanner: Sendable {
    var platform: Platform
    var templateKey: String
    var cpmCents: Int
    var currency: String
    /// Unchanged segments are sent again rather than skipped.
    var force = false

    struct Topic: Sendable {
        var engineVersion: String
        var name: String
        var description: String
    }

    func plan(_ ids: [String], topics: [String: Topic], existing: [String: Activation]) -> [PlannedItem] {
        ids.map { id in
            let last = existing[id]
            guard let topic = topics[id] else {
                if let last, last.isLive, let segment = last.platformSegmentID {
                    return PlannedItem(
                        topicID: id, action: .deactivate, name: last.name, description: last.description, engineVersion: last.engineVersion,
                        platformSegmentID: segment
                    )
                }
                return PlannedItem(
                    topicID: id, action: .create, name: "", description: "", engineVersion: "",
                    failure: ItemFailure(code: "topic_not_found", message: "Topic \(id) is not in this organisation's library.")
                )
            }
            var item = PlannedItem(topicID: id, action: .create, name: topic.name, description: topic.description, engineVersion: topic.engineVersion)
            if let problem = SegmentNameRules.problem(with: topic.name, on: self.platform) {
                item.failure = ItemFailure(code: "invalid_name", message: problem)
                return item
            }
            guard let last, let segment = last.platformSegmentID else { return item }
            item.platformSegmentID = segment
            item.action = last.isLive && !self.force && self.isUnchanged(last, topic) ? .skip : .update
            return item
        }
    }

    private func isUnchanged(_ last: Activation, _ topic: Topic) -> Bool {
        last.name == topic.name && last.description == topic.description && last.cpmCents == self.cpmCents && last.currency == self.currency
            && last.templateKey == self.templateKey && last.engineVersion == topic.engineVersion
    }
}

/// The naming rules every platform shares, and each one's own.
enum SegmentNameRules {
    static let maxLength = 255

    /// Why a rendered name cannot be sent to the platform, or nil.
    static func problem(with name: String, on platform: Platform) -> String? {
        if name.trimmingCharacters(in: .whitespaces).isEmpty { return "The template rendered an empty segment name." }
        if name.count > Self.maxLength { return "The segment name is \(name.count) characters; at most \(Self.maxLength) are allowed." }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) { return "The segment name contains control characters." }
        if platform == .tradedesk, name.components(separatedBy: ">").contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            return "The Trade Desk builds a hierarchy from ' > ': the name '\(name)' has an empty level."
        }
        return nil
    }
}
