import Foundation
import SharedModels
import Testing

@testable import ActivationService

/// Planning compares what a push would send with what was last pushed, so unchanged segments are skipped and a
/// rename updates the segment it already has.
@Suite struct PushPlannerTests {
    let planner = PushPlanner(platform: .customAPI, templateKey: "internal", cpmCents: 250, currency: "USD")

    func activation(_ topic: String, name: String = "Auto Buyers", status: String = "active", cents: Int = 250) -> Activation {
        Activation(
            id: "act_\(topic)", topicID: topic, platformSegmentID: "seg-\(topic)", status: status, name: name, description: "d", cpmCents: cents,
            currency: "USD", templateKey: "internal", engineVersion: "2.5"
        )
    }

    @Test func eachTopicIsPlannedByWhatWasLastPushed() {
        let topic = PushPlanner.Topic(engineVersion: "2.5", name: "Auto Buyers", description: "d")
        let items = self.planner.plan(
            ["new", "same", "renamed", "repriced", "inactive", "gone", "never"],
            topics: ["new": topic, "same": topic, "renamed": topic, "repriced": topic, "inactive": topic],
            existing: [
                "same": self.activation("same"), "renamed": self.activation("renamed", name: "Old Name"),
                "repriced": self.activation("repriced", cents: 100), "inactive": self.activation("inactive", status: "inactive"),
                "gone": self.activation("gone"),
            ]
        )
        #expect(items.map(\.action) == [.create, .skip, .update, .update, .update, .deactivate, .create])
        #expect(items[2].platformSegmentID == "seg-renamed")
        #expect(items[5].name == "Auto Buyers" && items[5].platformSegmentID == "seg-gone")
        #expect(items[6].failure?.code == "topic_not_found")
        #expect(items.prefix(6).allSatisfy { $0.failure == nil })
    }

    @Test func aNewEngineVersionOrTemplateIsAChange() {
        let topic = PushPlanner.Topic(engineVersion: "2.6", name: "Auto Buyers", description: "d")
        #expect(self.planner.plan(["a"], topics: ["a": topic], existing: ["a": self.activation("a")]).first?.action == .update)
        var other = self.planner
        other.templateKey = "tradedesk"
        let same = PushPlanner.Topic(engineVersion: "2.5", name: "Auto Buyers", description: "d")
        #expect(other.plan(["a"], topics: ["a": same], existing: ["a": self.activation("a")]).first?.action == .update)
        var forced = self.planner
        forced.force = true
        #expect(forced.plan(["a"], topics: ["a": same], existing: ["a": self.activation("a")]).first?.action == .update)
        #expect(self.planner.plan(["a"], topics: ["a": same], existing: ["a": self.activation("a")]).first?.action == .skip)
    }

    @Test func namesThatBreakThePlatformsRulesFailBeforeAnythingIsSent() {
        func failure(_ name: String, on platform: Platform) -> String? {
            let planner = PushPlanner(platform: platform, templateKey: "t", cpmCents: 0, currency: "USD")
            return planner.plan(["a"], topics: ["a": .init(engineVersion: "2.5", name: name, description: "")], existing: [:]).first?.failure?.code
        }
        #expect(failure("  ", on: .customAPI) == "invalid_name")
        #expect(failure(String(repeating: "x", count: 256), on: .liveramp) == "invalid_name")
        #expect(failure("Auto\u{7}Buyers", on: .customAPI) == "invalid_name")
        #expect(failure("Auto >  > Buyers", on: .tradedesk) == "invalid_name")
        #expect(failure("Auto >  > Buyers", on: .customAPI) == nil)
        #expect(failure(String(repeating: "x", count: 255), on: .indexexchange) == nil)
    }

    @Test func thePushBodyIsCheckedFieldByFieldAndMoneyIsExactCents() throws {
        let request = try PushRequest(["topicIds": ["a", "b", "a"], "cpm": 2.675, "currency": "EUR", "dryRun": true, "force": true])
        #expect(request.force)
        #expect(request.topicIDs == ["a", "b"])
        #expect(request.cpmCents == 268)
        #expect(request.currency == "EUR" && request.dryRun)
        #expect(PushRequest.cents(0.1 + 0.2) == 30)
        #expect(PushRequest.cents(19.99) == 1999)
        let bad: [[String: JSONValue]] = [
            [:], ["topicIds": []], ["topicIds": "a"], ["topicIds": [1]], ["topicIds": ["a"], "cpm": "2"], ["topicIds": ["a"], "cpm": 2_000_000],
            ["topicIds": ["a"], "currency": "usd"], ["topicIds": ["a"], "dryRun": "yes"], ["topicIds": ["a"], "force": 1], ["topicIds": ["a"], "extra": true],
            ["topicIds": .array(Array(repeating: "a", count: PushRequest.maxTopics + 1))],
        ]
        for body in bad {
            #expect(throws: (any Error).self, "\(body)") { try PushRequest(body) }
        }
    }
}
