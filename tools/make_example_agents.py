#!/usr/bin/env python3
"""Writes models/helsinki-agents.csv and models/helsinki-availability.csv (deterministic)."""
import random

FIRST = ["Aino", "Eetu", "Helmi", "Juho", "Emma", "Leevi", "Sofia", "Onni", "Aada", "Elias", "Venla", "Väinö",
         "Lilja", "Oliver", "Ella", "Eino", "Olivia", "Niilo", "Iida", "Toivo", "Pihla", "Veeti", "Isla", "Aleksi",
         "Kerttu", "Lauri", "Enni", "Matias", "Siiri", "Joona"]
LAST = ["Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen", "Koskinen",
        "Järvinen", "Lehtonen", "Lehtinen", "Saarinen", "Salminen", "Heinonen", "Niemi", "Heikkilä", "Kinnunen",
        "Salonen", "Turunen"]


def main():
    rng = random.Random(5)
    names = [f"{f} {l}" for l in LAST for f in FIRST]
    rng.shuffle(names)
    rows = ["id,name,team,skills,contract_hours,min_hours,max_hours,max_days"]
    agents = []
    n = 0
    for team, skills, count, hours in [("Phone A", "voice", 28, 37.5), ("Phone B", "voice", 18, 37.5),
                                      ("Phone part-time", "voice", 20, 25.0), ("Digital", "chat;email;social", 40, 37.5),
                                      ("Blended", "voice;chat:0.8;email:0.8;social:0.7", 8, 37.5)]:
        for _ in range(count):
            n += 1
            aid = f"A{n:03d}"
            name = names[n]
            max_days = 5 if hours > 30 else 4
            low, high = (hours - 8, hours + 4) if hours > 30 else (hours - 8, hours + 2)
            rows.append(f"{aid},{name},{team},{skills},{hours},{low},{high},{max_days}")
            agents.append((aid, hours))
    open("models/helsinki-agents.csv", "w").write("\n".join(rows) + "\n")
    av = ["agent_id,date,from,to,kind"]
    for aid, hours in agents:
        r = rng.random()
        if r < 0.06:  # approved leave day
            day = rng.choice(["2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"])
            av.append(f"{aid},{day},00:00,24:00,unavailable")
        elif hours < 30 and r < 0.5:  # part-timer's fixed day off
            av.append(f"{aid},{rng.choice(['mon', 'fri'])},00:00,24:00,unavailable")
        elif r < 0.2:  # prefers mornings
            av.append(f"{aid},{rng.choice(['tue', 'wed', 'thu'])},07:00,16:00,preferred")
    open("models/helsinki-availability.csv", "w").write("\n".join(av) + "\n")


if __name__ == "__main__":
    main()
