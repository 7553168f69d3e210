import Foundation
import Model

/// The governance history of the West Mercia 2022 demo plan (``DemoData``), August to November 2022.
///
/// Drawn from the paragraphs of the Police and Crime Panel monitoring report of 23 November 2022: each
/// activity the report describes becomes a dated progress update on the plan element it belongs to, cited
/// by paragraph, in the report's own words where possible, with its facts, figures and sums unchanged.
/// Where the report names only a month, the day is a plausible one in it. Around those updates sit the
/// status moves, milestones and the September and October monthly governance meetings (at which, para 3,
/// the delivery plan is scrutinised) that a governance team would have recorded: these follow the report
/// where it says enough, and are invented, plausibly, where it does not.
///
/// The history is consistent with the plan: every element's status moves, taken in date order, chain from
/// one status to the next and end at its status in ``DemoData/elements``; every update carries the status
/// its element held on the update's day and is written by the element's OPCC lead.
enum DemoGovernance {
  /// A dated progress update on a plan element.
  struct Update: Sendable {
    /// Id of the plan element, e.g. `2.3`.
    let element: String
    /// `YYYY-MM-DD`.
    let date: String
    /// The element's OPCC lead.
    let author: String
    /// The element's status on `date`.
    let status: ElementStatus
    /// Whether the Panel report uses it (false for the few internal-only notes).
    let forPanel: Bool
    let text: String
  }

  /// A change of an element's status (and optionally a RAG override) effective on a day.
  struct StatusMove: Sendable {
    let element: String
    /// `YYYY-MM-DD`, the day from which `to` holds.
    let date: String
    let from: ElementStatus
    let to: ElementStatus
    /// Why the status changed.
    let note: String
    /// A RAG set by hand with the move, or `nil` for the RAG derived from the status.
    let ragOverride: RAGOverride?
  }

  /// A milestone of an element.
  struct MilestoneSeed: Sendable {
    let element: String
    let title: String
    /// `YYYY-MM-DD`.
    let due: String
    /// `YYYY-MM-DD`, or `nil` while open.
    let completed: String?
  }

  /// A governance meeting with the actions agreed at it. The actions' ids and meeting ids are left empty:
  /// the seeder assigns them.
  struct MeetingSeed: Sendable {
    let meeting: Meeting
    let actions: [MeetingAction]
  }

  // MARK: - Progress updates

  /// Fifty updates: seven in August, thirteen in September, nineteen in October (across all four objectives) and
  /// eleven in November. Two are internal notes not used in the Panel report.
  static let updates: [Update] = [
    // August 2022
    Update(
      element: "1.7", date: "2022-09-13", author: "Victim Services Lead", status: .onTrack, forPanel: true,
      text:
        "For 22/23, the PCC has provided £339,782 to West Mercia Rape and Sexual Abuse Support Centre, to support therapeutic counselling for survivors of sexual violence. This funding has allowed the service to recruit permanent counsellors, who were previously on zero hours contracts, to provide sustainable support for survivors and to reduce waiting lists."
    ),
    Update(
      element: "2.3", date: "2022-09-14", author: "Road Safety Lead", status: .onTrack, forPanel: true,
      text:
        "The biggest single issue around death and serious injury in West Mercia's communities continues to be our road network. Additional money provisionally allocated in the 2022/23 budget to tackle speeding in communities has been confirmed by the PCC following a comprehensive business case from West Mercia Police: the value of this investment for 22/23 is £515,800, with a further £400,000 ringfenced pending a business case. The proposals include an uplift of 11.5 staff within the Road Safety Team and expanding the use of technology to prevent excessive speed and enhance road safety."
    ),
    Update(
      element: "1.2", date: "2022-08-10", author: "Victim Services Lead", status: .onTrack, forPanel: true,
      text:
        "The PCC has extended the Victim Support contract to include an additional £71,000 for enhanced provision for victims of Modern Slavery & Human Trafficking (MSHT). The MSHT service will enable greater partnership working between Victim Support and West Mercia Police, to identify victims who may otherwise not come forward to seek support. Mobilisation is under way for the service to go live in September."
    ),
    Update(
      element: "3.1", date: "2022-08-11", author: "Chief Executive", status: .atRisk, forPanel: true,
      text:
        "Included in the 2022/23 budget was a further uplift of 125 officers for West Mercia, which will bring the total number of officers to 2,456 – the highest it has been since 2009 and close to the highest on record. The PCC continues to monitor and support the force's delivery of the local and national uplift through holding to account mechanisms and fortnightly uplift meetings with the force and National Uplift leads, in a challenging employment market. Progress has been made in the recruitment of female officers and those from ethnic minorities, but it is recognised that further progress is still required."
    ),
    Update(
      element: "1.5", date: "2022-08-15", author: "Victim Services Lead", status: .onTrack, forPanel: true,
      text:
        "The PCC has engaged with local, regional and national partners to understand the demand for support services for victims as part of the major Operation Lincoln police investigation (investigation into maternity services at the Shrewsbury and Telford NHS Trust). These discussions will inform a bid to the Home Office for further funding to support these victims."
    ),
    Update(
      element: "2.1", date: "2022-08-18", author: "Drugs Strategy Lead", status: .onTrack, forPanel: true,
      text:
        "As part of the commitment to reducing crime and harm linked to drugs, two Combating Drug Partnerships (CDPs) have been formed across West Mercia in line with government guidance, each based on the Integrated Care Board footprint: one for Herefordshire and Worcestershire and one for Shropshire and Telford. The PCC met with partners during August to formalise his role as the Senior Responsible Officer (SRO) for both partnerships."
    ),
    Update(
      element: "2.7", date: "2022-08-23", author: "Policy Officer, Serious Violence", status: .onTrack, forPanel: true,
      text:
        "The PCC reviewed the force's preparedness for the Serious Violence Duty at the thematic Holding to Account meeting on Serious Violence, and offered to support the force in engaging with partners so that arrangements are in place to meet the requirements of the Duty by the timescales set. The force has developed a Homicide Action Plan informed by a comprehensive local problem profile and national best practice; key to reducing serious violence is prevention activity focused on domestic abuse, VAWG and the illegal drug trade, aligned to the PCC and Force Joint Prevention Strategy. Replies to the PCC's letter of 28th July asking CSP Chairs about preparedness and potential partnership models are being collated."
    ),
    Update(
      element: "4.5", date: "2022-08-24", author: "Performance Lead", status: .atRisk, forPanel: true,
      text:
        "Quarter one 2022/23 results of the West Mercia commissioned perception survey: 81% of residents agreed that they had confidence in West Mercia Police and 83% were confident they would receive a good service; around 68% agreed that the force understood the issues that affect their community; 87% were confident they could access the police in an emergency and 65% in a non-emergency. 21% said they see an officer or PCSO at least once per week – a reduction from 24% in the previous quarter – and there has been an overall reduction in confidence and key measures since Q1 20/21."
    ),
    Update(
      element: "2.2", date: "2022-09-20", author: "Chief Executive", status: .onTrack, forPanel: true,
      text:
        "Following a funding application from Telford & Wrekin Community Safety Partnership, the PCC has already met one of the recommendations in the IITCSE report, which was to commit funding for Taxi Marshalls and Street Pastors. The PCC has funded £23,190 for these projects in 22/23."
    ),
    Update(
      element: "3.4", date: "2022-08-26", author: "Estates Lead", status: .onTrack, forPanel: true,
      text:
        "Work on major projects continues in respect of a planned new firearms training unit for the police force, a new Sexual Assault Referral Centre in Telford and the new police and fire station in Redditch. Progress also continues on a pathfinder project of electric police vehicles at Worcester police station, refurbishment at Bridgnorth police station, and estate improvements in support of Force ICT resilience."
    ),

    // September 2022
    Update(
      element: "1.2", date: "2022-09-01", author: "Victim Services Lead", status: .onTrack, forPanel: true,
      text:
        "The enhanced MSHT service, funded by the additional £71,000 in the Victim Support contract, went live in September. Victim Support and West Mercia Police are working in partnership to identify victims who may otherwise not come forward to seek support."
    ),
    Update(
      element: "3.3", date: "2022-09-05", author: "Estates Lead", status: .atRisk, forPanel: true,
      text:
        "The South Worcestershire Development Plan (SWDP) Review proposes to remove Major Developed Site status for Hindlip Park. If confirmed, this would threaten the long-term viability of the site as an operational headquarters for both the police force and Hereford and Worcester Fire and Rescue Service. The PCC will engage actively in the public consultation on the review."
    ),
    Update(
      element: "2.2", date: "2022-09-06", author: "Chief Executive", status: .onTrack, forPanel: true,
      text:
        "At the September West Mercia Governance Board, the Chief Constable presented the West Mercia Police response to the recommendations arising from the IITCSE report and confirmed that the force has developed an accompanying action plan. The PCC has committed to ensuring improvements are delivered both within his office and the force, and will monitor the impact and progression of these actions through established governance processes. The PCC will be represented on the newly created Telford & Wrekin IITCSE Strategic Implementation Group, where progress against the recommendations will be monitored."
    ),
    Update(
      element: "2.4", date: "2022-09-07", author: "Chief Executive", status: .onTrack, forPanel: true,
      text:
        "The four PCCs held a “deep dive” scrutiny session into the work of the Regional Organised Crime Unit (ROCU). The session allowed PCCs to understand the specialist policing capabilities delivered by the ROCU, such as covert investigation and sensitive intelligence, and how these help tackle organised crime in West Mercia. It also provided an update on progress to review the ROCU operating model and the budget position heading into 2023/24."
    ),
    Update(
      element: "2.7", date: "2022-09-13", author: "Policy Officer, Serious Violence", status: .onTrack, forPanel: true,
      text:
        "The findings of the PCC's consultation of 28th July with Community Safety Partnership Chairs, on their preparedness for the Duty and views on potential partnership models being considered by the specified authorities, were shared with CSP Chairs at the PCC's CSP Summit on 13th September. Discussions across CSPs are still at their very early stages."
    ),
    Update(
      element: "3.2", date: "2022-09-22", author: "Estates Lead", status: .onTrack, forPanel: true,
      text:
        "Significant work is underway across the West Mercia estate to drive energy efficiency, both to reduce West Mercia's carbon footprint and to offset increased pressures around energy costs: projections for 2023/24 show West Mercia Police's energy costs will increase by 90% compared to 2022/23. The PCC has commissioned a series of works to improve energy efficiency across the police estate; reductions in energy consumption will repay the cost of this work in quick order."
    ),
    Update(
      element: "3.5", date: "2022-09-23", author: "Treasurer", status: .onTrack, forPanel: true,
      text:
        "The process to prepare the 2023/24 budget has begun, with the PCC meeting regularly with the Chief Constable to make sure there is clear understanding of how the Force are building their budget to reflect the priorities in the Police and Crime Plan and those set out by the public in the PCC's recent consultation. The focus is on agreeing assumptions within the budget setting process, working towards the presentation of the Medium-Term Financial Strategy (MTFS) position in October."
    ),
    Update(
      element: "1.6", date: "2022-09-27", author: "Policy Officer, VAWG", status: .onTrack, forPanel: true,
      text:
        "Following a successful sexual violence survivor conference in June 2022, the PCC held the first Joint Sexual Assault and Abuse Strategic Board in September. To accompany the quarterly meetings, a partnership action plan has been developed, and the strategic board will have oversight of delivery. The intended outcomes are to increase confidence in reporting, increase positive experiences of the criminal justice system, and improve police recorded outcomes."
    ),
    Update(
      element: "2.1", date: "2022-09-28", author: "Drugs Strategy Lead", status: .onTrack, forPanel: true,
      text:
        "Each CDP met in September 2022, with draft terms of reference agreed subject to minor amendments. Both CDPs identified leads and relevant stakeholders to produce needs assessments by the end of November, as set out in national guidance."
    ),
    Update(
      element: "4.1", date: "2022-09-30", author: "Communications and Engagement Lead", status: .onTrack,
      forPanel: true,
      text:
        "PCC engagement in all forms was paused for an extended period during September as the Commissioner and his office observed the national period of mourning following the death of Her Majesty Queen Elizabeth II. Marc Bayliss started in post as Deputy PCC on 26th September and has taken up a range of portfolios on behalf of the Commissioner."
    ),

    // October 2022
    Update(
      element: "1.1", date: "2022-10-06", author: "Commissioning Manager", status: .onTrack, forPanel: true,
      text:
        "£60,000 has been awarded from the £1m prevention fund by the PCC. The money will enable Barnardo's to deliver training around a trauma informed approach within the whole of West Mercia Police, including training for frontline police officers and professional consultancy for the wider organisation. The project is designed to increase understanding of the impact of trauma and how to respond, providing an increased quality of service to victims of crime alongside increased satisfaction and confidence."
    ),
    Update(
      element: "1.5", date: "2022-10-07", author: "Victim Services Lead", status: .onTrack, forPanel: true,
      text:
        "As a result of discussions with local, regional and national partners on the demand for support services for victims in the Operation Lincoln investigation, the PCC has submitted a bid to the Home Office for further funding of £100,000 to provide support to these victims. The outcome of the bid is awaited."
    ),
    Update(
      element: "3.1", date: "2022-10-11", author: "Chief Executive", status: .atRisk, forPanel: true,
      text:
        "The Chief Constable has provided reassurance that the force will be able to deliver the uplift of 125 officers by March 2023 as planned, despite a challenging employment market. The PCC continues to hold the force to account through the fortnightly uplift meetings, including on the use of the uplift to improve diversity and representation, where further progress is still required."
    ),
    Update(
      element: "2.3", date: "2022-10-12", author: "Road Safety Lead", status: .atRisk, forPanel: true,
      text:
        "The Q2 performance report shows incidents of people being killed or seriously injured (KSI) on West Mercia's roads increasing, with motorcyclists in particular featuring in casualty statistics. With the extra resource the Force are investigating the feasibility of further average speed cameras to target areas with significant road safety issues, building on the success of the A449 average speed system, but the business case for the £400,000 ringfenced funding has not yet come forward."
    ),
    Update(
      element: "4.2", date: "2022-10-13", author: "Communications and Engagement Lead", status: .onTrack,
      forPanel: true,
      text:
        "The PCC launched his 'Pin Your Poppy' campaign. After commissioning six Unknown Tommy statues from the British Ironworks Centre in Shropshire, communities are being given the opportunity to mark their respect for servicemen and women by pinning their poppy on them."
    ),
    Update(
      element: "1.3", date: "2022-10-14", author: "Commissioning Manager", status: .onTrack, forPanel: true,
      text:
        "The PCC has commissioned a victim needs assessment via West Mercia Police's Strategic Planning and Insight team. Work on the needs assessment commenced in October, with the final product being produced early in 2023. It will provide the evidence base to inform future commissioning of key services such as the Victim Advice Line and Victim Support."
    ),
    Update(
      element: "3.5", date: "2022-10-18", author: "Treasurer", status: .onTrack, forPanel: true,
      text:
        "The Medium-Term Financial Strategy (MTFS) position was presented in October, to ensure suitable awareness of the financial implications of decisions being taken now. At the midpoint of the financial year, the financial position of West Mercia is a reported revenue overspend of £1.346m (0.5%) against the total budget of £261m; the Force are monitoring spend closely and putting arrangements in place with the aim of bringing the in-year spend in on budget."
    ),
    Update(
      element: "2.1", date: "2022-10-19", author: "Drugs Strategy Lead", status: .onTrack, forPanel: true,
      text:
        "To support the implementation and focus of this vital work, the PCC has provided funding for two roles to support the Combating Drug Partnerships, which are currently out for recruitment."
    ),
    Update(
      element: "1.7", date: "2022-10-20", author: "Victim Services Lead", status: .onTrack, forPanel: true,
      text:
        "For the period April – September 2022, the PCC's commissioned victim services received 17,630 referrals for support from victims of crime. 16,145 victims in total were provided with support during the same period, with 6,976 supported to cope and recover; 545 of these victims were either referred, or supported to self-refer, into mental health support services. Specialist domestic abuse and sexual violence providers are using PCC funding to embed newly recruited specialist LGBTQ+ and culturally responsive/inclusive roles, including partnering with Age UK for drop-in sessions and attending PRIDE events; their impact is being monitored through demographic reporting."
    ),
    Update(
      element: "4.5", date: "2022-10-20", author: "Performance Lead", status: .atRisk, forPanel: true,
      text:
        "The PCC held a thematic holding to account meeting with the Chief Constable on Diversity, Equality and Inclusion. The Chief Constable has implemented new governance arrangements on internal and external DEI issues, in which the PCC is represented; improvements in data capture are required to better understand disproportionality; the Force's new Stop and Search strategy will include enhanced scrutiny of searches, developed with Independent Advisory Groups and staff networks; and delivery of the Local Policing Charter will include renewed focus on engaging with more seldom heard communities."
    ),
    Update(
      element: "2.4", date: "2022-10-21", author: "Chief Executive", status: .onTrack, forPanel: true,
      text:
        "The PCC received quarterly briefings in October on Serious and Organised Crime and Counter Terrorism, which set out threat and risk specifically in West Mercia. The PCC was reassured that the Force, ROCU and other partners were working effectively together; there was positive progress in the ROCU approach to safeguarding, and the PCC gave his support to Prevent delivery across West Mercia. Following the success of West Mercia's Divert scheme, the Regional Drug Strategy & Commissioning lead is coordinating work across the four regional PCCs to see if the programme can be expanded across the West Midlands region and jointly commissioned."
    ),
    Update(
      element: "3.3", date: "2022-10-21", author: "Estates Lead", status: .atRisk, forPanel: false,
      text:
        "Internal: a draft OPCC response on Hindlip Park's Major Developed Site status has been prepared with Hereford and Worcester Fire and Rescue Service, ready for the SWDP Review public consultation. Not yet submitted; the governance meeting's action on it is due on 28 October."
    ),
    Update(
      element: "2.6", date: "2022-10-24", author: "Criminal Justice Lead", status: .onTrack, forPanel: true,
      text:
        "Prior to the COVID-19 pandemic, West Mercia Police were supporting just over 10,000 victims and witnesses; the force is now supporting just over 21,000, an increase of 110%. To address the strain placed on staff, the PCC has funded £26,000 for the continuation of two additional posts for 22/23. Overall performance remains stable: the overall conviction rate is 87% against a national average of 82%; sexual offences 92% (national 84.5%); domestic violence 83% (national 75%); hate crime 89% (national 83%); and witness attendance rates remain the highest in the region at 87%."
    ),
    Update(
      element: "1.4", date: "2022-10-25", author: "Commissioning Manager", status: .onTrack, forPanel: true,
      text:
        "The domestic abuse perpetrator needs assessment highlighted in the September Panel report has now been completed. It will be used to support an evidence-based bid for further funding from the Home Office to continue to commission perpetrator programmes, as well as preventative services, for 23/24."
    ),
    Update(
      element: "2.5", date: "2022-10-26", author: "Criminal Justice Lead", status: .offTrack, forPanel: true,
      text:
        "There are currently 60,000 cases in the criminal justice backlog across England and Wales. In West Mercia the number of cases in the backlog has risen by more than 70% since before the pandemic, by more than 120% in Shrewsbury and by more than 40% in Worcester, and this continues to put a strain on resources. The PCC continues to call for improvements, with meetings with resident judges, a review of the scope of the Local Criminal Justice Board and meetings with representatives from HMCTS; he is also working with the Ministry of Justice to see what changes could increase the number of judges for the West Midlands area."
    ),
    Update(
      element: "2.8", date: "2022-10-27", author: "Commissioning Manager", status: .notStarted, forPanel: true,
      text:
        "During October, the PCC committed funding to continue and expand the existing Steer Clear project, looking to contribute £100,000 from the prevention fund. Up to now the project has only operated in Telford & Wrekin; for 23/24 it will operate across West Mercia, providing 1:1 mentoring and a series of workshops for children and young people involved in carrying or using knives, working closely with the PCC-commissioned CLIMB service to reduce crime and harm and prevent exploitation of vulnerable people."
    ),
    Update(
      element: "4.3", date: "2022-10-28", author: "Communications and Engagement Lead", status: .onTrack,
      forPanel: true,
      text:
        "The PCC is now issuing newsletters to MPs within the West Mercia area so that they are aware of updates, investments and other activity in their constituencies; the standard community newsletter has 2,198 subscribers. Across all social media platforms the number of people following the PCC's account has increased by almost 200, and 6,621 people are signed up for PCC updates via Neighbourhood Matters. During August to September, 53 press releases and statements were issued, maintaining a visible presence across West Mercia's communities."
    ),
    Update(
      element: "4.1", date: "2022-10-31", author: "Communications and Engagement Lead", status: .onTrack,
      forPanel: false,
      text:
        "Internal: 14 engagements recorded in October by the PCC, the Deputy PCC (in his first full month in post) and the Assistant PCC, after the pause for the national period of mourning in September."
    ),
    Update(
      element: "4.4", date: "2022-10-31", author: "Business Support Manager", status: .onTrack, forPanel: true,
      text:
        "Over the duration of September 2022 and October 2022, the PCC's office was in receipt of 232 pieces of correspondence, on a range of subjects such as road safety, ASB and general concerns around crime. The majority of the correspondence was from Worcestershire and Shropshire residents."
    ),

    // November 2022
    Update(
      element: "1.8", date: "2022-11-02", author: "Criminal Justice Lead", status: .notStarted, forPanel: true,
      text:
        "The PCC has submitted a funding bid to the Ministry of Justice for £276,500 up to 31st March 2025, to provide an out of court diversionary service for females at risk of entering the criminal justice system. This is linked to the Commissioner's commitment to deliver effective, early intervention for vulnerable people, with the outcome of reducing the likelihood of reoffending."
    ),
    Update(
      element: "2.3", date: "2022-11-02", author: "Road Safety Lead", status: .atRisk, forPanel: true,
      text:
        "The PCC is developing a specification for a refresh of the road safety needs assessment, which will be used to inform future commissioning in this priority area. The primary objective of the investment remains safer roads and reassurance through increased visibility and accessibility in local communities, with additional mobile enforcement capability reducing speed and changing driver behaviour."
    ),
    Update(
      element: "1.5", date: "2022-11-08", author: "Victim Services Lead", status: .atRisk, forPanel: true,
      text:
        "The outcome of the PCC's bid to the Home Office for £100,000 to provide support to victims in the Operation Lincoln investigation is still awaited."
    ),
    Update(
      element: "1.1", date: "2022-11-09", author: "Commissioning Manager", status: .onTrack, forPanel: true,
      text:
        "Feedback from service providers and partners has indicated a growing trend in the increase of harmful sexual behaviour. The PCC is considering allocating some funding from the £1m prevention fund to support further work in this area, to understand the demand and inform future commissioning. The PCC is also looking to contribute £100,000 from the fund to the expansion of Steer Clear across West Mercia."
    ),
    Update(
      element: "4.5", date: "2022-11-10", author: "Performance Lead", status: .offTrack, forPanel: true,
      text:
        "The PCC is concerned that performance areas in the Q2 report are continuously significantly below target: public confidence remains below the internal targets, with statistically significant reductions since March 2021, and victim satisfaction remains a concern, linked to victims being kept informed. Recent virtual holding to account activity has focused on outcomes, satisfaction, open investigations and the Victim Advice Line; as performance is still not good enough, a further thematic holding to account meeting will take place on 29th November, and a holding to account meeting on Public Confidence is scheduled in January 2023."
    ),
    Update(
      element: "4.2", date: "2022-11-13", author: "Communications and Engagement Lead", status: .complete,
      forPanel: true,
      text:
        "The 'Pin Your Poppy' campaign closed on Remembrance Sunday. It has seen a number of community groups come together and has brought about a large amount of engagement."
    ),
    Update(
      element: "3.3", date: "2022-11-14", author: "Estates Lead", status: .atRisk, forPanel: true,
      text:
        "The PCC is actively engaged in the current public consultation on the South Worcestershire Development Plan (SWDP) Review, specifically around the status of police headquarters at Hindlip. The review proposes to remove Major Developed Site status for Hindlip Park, which, if confirmed, would threaten the long-term viability of the site as an operational headquarters for the police force and Hereford and Worcester Fire and Rescue Service."
    ),
    Update(
      element: "2.5", date: "2022-11-15", author: "Criminal Justice Lead", status: .offTrack, forPanel: true,
      text:
        "Hereford Crown Court remains closed. The PCC is progressing with a meeting, to include the Chief Executive Officer of Herefordshire Council and HMCTS, to challenge partners to identify interim solutions pending the repair work required at the current site. A review of the regional governance arrangements across criminal justice is continuing, to connect Local Criminal Justice Boards and the regional forum better; it will conclude towards the end of the year ready for a refreshed programme of quarterly meetings in 2023."
    ),
    Update(
      element: "2.1", date: "2022-11-16", author: "Drugs Strategy Lead", status: .onTrack, forPanel: true,
      text:
        "The next round of CDP meetings is taking place in November 2022. The agendas focus on progress in producing the partnership needs assessments and the next steps to facilitate production of the local drug partnership delivery plans."
    ),
    Update(
      element: "3.5", date: "2022-11-17", author: "Treasurer", status: .onTrack, forPanel: true,
      text:
        "Following on from the MTFS, the revenue and capital budget proposals for 2023/24 are being brought to meetings in November, to be reviewed and scrutinised to ensure they deliver the priorities in the Safer West Mercia Plan whilst making effective use of the resources available. This will inform engagement with the Police and Crime Panel in December, followed by a facilitated Panel budget working group in January 2023. The PCC is scrutinising the impact and return on investment of the 2022/23 budget at a Holding to Account session in November."
    ),
    Update(
      element: "2.7", date: "2022-11-21", author: "Policy Officer, Serious Violence", status: .onTrack, forPanel: true,
      text:
        "In September, the PCC was notified by the Minister of State that West Mercia have an indicative allocation of £804,003 up to 31st March 2025 to support the implementation of the Serious Violence Duty; a bidding process for this funding opens in November. The PCC has commissioned a Serious Violence needs assessment, due to be completed in early 2023, and further engagement with CSPs is planned for December, when specified authorities must identify SROs and confirm their partnership footprint."
    ),
  ]

  // MARK: - Status moves

  /// Ten moves, at least one in each month from August to November. The move of 12 October (road safety
  /// to at risk) is the only one that day; the August move on public confidence carries a red override,
  /// which the November move to off track replaces.
  static let statusMoves: [StatusMove] = [
    StatusMove(
      element: "2.1", date: "2022-08-01", from: .notStarted, to: .onTrack,
      note:
        "Element starts: the PCC is meeting partners to formalise his role as Senior Responsible Officer for both Combating Drug Partnerships.",
      ragOverride: nil),
    StatusMove(
      element: "4.5", date: "2022-08-24", from: .onTrack, to: .atRisk,
      note:
        "Q1 2022/23 perception survey: officer or PCSO seen at least weekly down from 24% to 21%, with an overall reduction in confidence and key measures since Q1 20/21.",
      ragOverride: RAGOverride(
        rag: .red,
        reason:
          "Confidence has fallen on key measures since Q1 20/21 and visibility fell again this quarter; rated red until the force shows how it will reverse the trend."
      )),
    StatusMove(
      element: "3.3", date: "2022-09-01", from: .notStarted, to: .atRisk,
      note:
        "Element starts at risk: the SWDP Review proposes to remove Major Developed Site status for Hindlip Park, threatening its long-term viability as a headquarters.",
      ragOverride: nil),
    StatusMove(
      element: "4.2", date: "2022-09-01", from: .notStarted, to: .onTrack,
      note:
        "Campaign work starts: six Unknown Tommy statues commissioned from the British Ironworks Centre in Shropshire.",
      ragOverride: nil),
    StatusMove(
      element: "1.2", date: "2022-09-30", from: .onTrack, to: .complete,
      note:
        "The enhanced MSHT service funded by the £71,000 contract extension went live in September; element closed at the end of its first month.",
      ragOverride: nil),
    StatusMove(
      element: "1.3", date: "2022-10-03", from: .notStarted, to: .onTrack,
      note:
        "Work on the victim needs assessment commenced in October with the force's Strategic Planning and Insight team.",
      ragOverride: nil),
    StatusMove(
      element: "2.3", date: "2022-10-12", from: .onTrack, to: .atRisk,
      note:
        "Q2 performance report: people killed or seriously injured on the roads increasing, motorcyclists in particular; the business case for the ringfenced £400,000 is overdue.",
      ragOverride: nil),
    StatusMove(
      element: "1.5", date: "2022-11-08", from: .onTrack, to: .atRisk,
      note:
        "The outcome of the £100,000 Home Office bid is still awaited a month after submission; support for Operation Lincoln victims depends on it.",
      ragOverride: nil),
    StatusMove(
      element: "4.5", date: "2022-11-10", from: .atRisk, to: .offTrack,
      note:
        "Q2 report: public confidence below internal targets with statistically significant reductions since March 2021; the red override gives way to off track.",
      ragOverride: nil),
    StatusMove(
      element: "4.2", date: "2022-11-13", from: .onTrack, to: .complete,
      note:
        "Remembrance Sunday: the 'Pin Your Poppy' campaign closes, having brought a number of community groups together.",
      ragOverride: nil),
  ]

  // MARK: - Milestones

  /// Nineteen milestones due from August to December 2022. At the end of October one is overdue (the road
  /// safety business case, due in September), four are due in November and four were completed in October;
  /// the November ones that the report expects to happen that month are completed on a plausible day.
  static let milestones: [MilestoneSeed] = [
    MilestoneSeed(
      element: "1.2", title: "Victim Support contract extended with £71,000 for enhanced MSHT provision",
      due: "2022-08-31",
      completed: "2022-08-10"),
    MilestoneSeed(element: "1.2", title: "Enhanced MSHT service live", due: "2022-09-30", completed: "2022-09-01"),
    MilestoneSeed(
      element: "1.3", title: "Victim needs assessment work starts with Strategic Planning and Insight",
      due: "2022-10-31",
      completed: "2022-10-03"),
    MilestoneSeed(
      element: "1.4", title: "Domestic abuse perpetrator needs assessment completed", due: "2022-10-31",
      completed: "2022-10-25"),
    MilestoneSeed(
      element: "1.5", title: "Home Office bid for Operation Lincoln victim support (£100,000) submitted",
      due: "2022-10-14",
      completed: "2022-10-07"),
    MilestoneSeed(
      element: "1.6", title: "First Joint Sexual Assault and Abuse Strategic Board held", due: "2022-09-30",
      completed: "2022-09-27"),
    MilestoneSeed(
      element: "2.1", title: "Combating Drug Partnerships' terms of reference agreed", due: "2022-09-30",
      completed: "2022-09-28"),
    MilestoneSeed(element: "2.1", title: "CDP needs assessments produced", due: "2022-11-30", completed: nil),
    MilestoneSeed(
      element: "2.2", title: "Force response and action plan on the IITCSE recommendations presented",
      due: "2022-09-30",
      completed: "2022-09-06"),
    MilestoneSeed(
      element: "2.3", title: "Force business case for the £400,000 ringfenced road safety funding received",
      due: "2022-09-30",
      completed: nil),
    MilestoneSeed(
      element: "2.3", title: "Specification for the road safety needs assessment refresh agreed", due: "2022-12-16",
      completed: nil),
    MilestoneSeed(
      element: "2.7", title: "CSP Summit: preparedness findings shared with CSP Chairs", due: "2022-09-13",
      completed: "2022-09-13"),
    MilestoneSeed(
      element: "2.7", title: "Serious Violence Duty funding bid submitted", due: "2022-12-16", completed: nil),
    MilestoneSeed(
      element: "3.3", title: "OPCC response to the SWDP Review consultation submitted", due: "2022-12-16",
      completed: nil),
    MilestoneSeed(element: "3.5", title: "MTFS position presented", due: "2022-10-31", completed: "2022-10-18"),
    MilestoneSeed(
      element: "3.5", title: "2023/24 revenue and capital budget proposals brought to November meetings",
      due: "2022-11-30",
      completed: "2022-11-22"),
    MilestoneSeed(
      element: "4.2", title: "Six Unknown Tommy statues commissioned from the British Ironworks Centre",
      due: "2022-09-30",
      completed: "2022-09-01"),
    MilestoneSeed(
      element: "4.2", title: "'Pin Your Poppy' campaign closes on Remembrance Sunday", due: "2022-11-13",
      completed: "2022-11-13"),
    MilestoneSeed(
      element: "4.5", title: "Thematic holding to account meeting on satisfaction, open investigations and outcomes",
      due: "2022-11-29", completed: "2022-11-29"),
  ]

  // MARK: - Meetings

  /// Who attends the monthly governance meeting.
  private static let attendees = [
    "Police and Crime Commissioner", "Deputy PCC", "Chief Executive (OPCC)", "Treasurer", "Head of Commissioning",
    "Chief Constable (invited)",
  ]

  /// The September and October 2022 monthly governance meetings. At the end of October three of the
  /// September actions are open (two overdue, one due in November) and one was done in October.
  static let meetings: [MeetingSeed] = [
    MeetingSeed(
      meeting: Meeting(
        date: day("2022-09-28"), title: "Monthly governance meeting", attendees: attendees,
        decisions: [
          "Award £60,000 from the £1m prevention fund to Barnardo's for trauma-informed training across West Mercia Police (1.1).",
          "Submit a bid to the Home Office for £100,000 to support victims in the Operation Lincoln investigation (1.5).",
          "Commission a victim needs assessment from the force's Strategic Planning and Insight team, with work to start in October (1.3).",
          "Close element 1.2 at the end of September: the enhanced MSHT service is live.",
        ],
        notes:
          "The first meeting since the national period of mourning, and the Deputy PCC's first since taking up post on 26 September. The delivery plan was scrutinised element by element."
      ),
      actions: [
        MeetingAction(
          text: "Submit the Operation Lincoln victim support bid (£100,000) to the Home Office.",
          owner: "Victim Services Lead",
          dueDate: day("2022-10-14"), status: .done, closedOn: day("2022-10-07"), elementID: "1.5",
          note: "Bid submitted on 7 October; the outcome is awaited."),
        MeetingAction(
          text: "Obtain the force's business case for the £400,000 ringfenced road safety funding.",
          owner: "Road Safety Lead",
          dueDate: day("2022-10-21"), status: .open, closedOn: nil, elementID: "2.3",
          note: "Not yet received from the force; the £400,000 stays ringfenced."),
        MeetingAction(
          text: "Draft the OPCC's response to the SWDP Review on Hindlip Park's Major Developed Site status.",
          owner: "Estates Lead",
          dueDate: day("2022-10-28"), status: .open, closedOn: nil, elementID: "3.3",
          note: "Draft prepared with Hereford and Worcester Fire and Rescue Service; awaiting sign-off."),
        MeetingAction(
          text:
            "Confirm that both CDPs' needs assessments will be ready by the end of November, as national guidance requires.",
          owner: "Drugs Strategy Lead", dueDate: day("2022-11-30"), status: .open, closedOn: nil, elementID: "2.1",
          note: "Leads and stakeholders identified at the September CDP meetings."),
        MeetingAction(
          text: "Agree with the Deputy PCC the portfolios he will take up on the Commissioner's behalf.",
          owner: "Chief Executive",
          dueDate: day("2022-09-30"), status: .done, closedOn: day("2022-09-30"), elementID: "4.1",
          note: "Portfolios agreed."),
      ]),
    MeetingSeed(
      meeting: Meeting(
        date: day("2022-10-26"), title: "Monthly governance meeting", attendees: attendees,
        decisions: [
          "Commit funding to continue and expand Steer Clear across West Mercia for 23/24, the PCC looking to contribute £100,000 from the prevention fund (2.8).",
          "Road safety (2.3) stays at risk after the Q2 rise in people killed or seriously injured, until the £400,000 business case is in.",
          "Take the MTFS and the mid-year overspend of £1.346m (0.5%) against £261m to the November holding to account session (3.5).",
        ],
        notes:
          "Elements of concern reviewed: road safety (at risk since 12 October), criminal justice backlog (off track), Hindlip (at risk), officer uplift (at risk) and public confidence (at risk, rated red)."
      ),
      actions: [
        MeetingAction(
          text:
            "Prepare the bid for the Serious Violence Duty allocation of £804,003 for when bidding opens in November.",
          owner: "Policy Officer, Serious Violence", dueDate: day("2022-11-30"), status: .open, closedOn: nil,
          elementID: "2.7",
          note: "Indicative allocation notified by the Minister of State in September."),
        MeetingAction(
          text:
            "Arrange the meeting with Herefordshire Council's Chief Executive and HMCTS on interim solutions for Hereford Crown Court.",
          owner: "Criminal Justice Lead", dueDate: day("2022-11-25"), status: .open, closedOn: nil, elementID: "2.5",
          note: "Aim: challenge partners to identify interim solutions pending repairs."),
        MeetingAction(
          text: "Prepare the 2023/24 budget briefing for the Police and Crime Panel in December.", owner: "Treasurer",
          dueDate: day("2022-12-09"), status: .open, closedOn: nil, elementID: "3.5",
          note: "Followed by a facilitated Panel budget working group in January 2023."),
      ]),
  ]

  /// The day `text` names, `YYYY-MM-DD`. Every date here is a literal checked when the file is written; a
  /// malformed one stops a debug build and falls back to 1 January 1970 (plainly wrong, never a crash) in a
  /// release build.
  static func day(_ text: String) -> LocalDate {
    if let date = LocalDate(text) { return date }
    assertionFailure("malformed demo date \(text)")
    return LocalDate(Date(timeIntervalSince1970: 0), in: TimeZone(identifier: "UTC") ?? .current)
  }
}
